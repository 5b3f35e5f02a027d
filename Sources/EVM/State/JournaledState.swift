import EVMPrimitives

/// One transaction's working state: everything the EVM read through the
/// `StateView`, everything it changed, warm/cold sets (EIP-2929), transient
/// storage (EIP-1153), logs and the refund counter — with a journal so that a
/// reverted call frame undoes exactly its own effects.
///
/// Ownership: one instance per transaction execution, used by one thread.
/// At the end, `finalize` turns it into `StateChanges`.
public final class JournaledState<View: StateView> {
  /// An account as this transaction sees it.
  @usableFromInline
  struct Entry {
    var info: AccountInfo
    /// The account exists now.
    var exists: Bool
    /// `info`/`exists` were read from the view (else only warmed or credited).
    var loaded: Bool
    var warm: Bool
    var code: Bytecode?
    /// Created in this transaction (EIP-6780; storage starts empty).
    var created: Bool
    var selfDestructed: Bool
    /// EIP-161: touched accounts that end empty are deleted.
    var touched: Bool
    /// Written in this transaction.
    var dirty: Bool
    /// New code deployed in this transaction.
    var codeChanged: Bool
  }

  @usableFromInline
  struct Slot {
    var original: UInt256
    var current: UInt256
    var loaded: Bool
    var warm: Bool
  }

  @usableFromInline
  enum JournalEntry {
    case accountLoaded(Address)
    case accountWarmed(Address)
    case accountChanged(Address, Entry)
    case slotWarmed(SlotKey)
    case slotChanged(SlotKey, UInt256)
    case transientChanged(SlotKey, UInt256)
    /// A lazy delta was added; the payload is the previous pending delta.
    case deltaAdded(Address, AccountDelta?)
    /// A pending delta was folded into the account when it was loaded.
    case deltaFolded(Address, AccountDelta)
  }

  /// A point to revert to.
  public struct Checkpoint {
    @usableFromInline let journalLength: Int
    @usableFromInline let logCount: Int
    @usableFromInline let refund: Int64
  }

  public var view: View
  public let fork: Fork
  @usableFromInline var accounts = FlatDictionary<Address, Entry>()
  @usableFromInline var slots = FlatDictionary<SlotKey, Slot>()
  @usableFromInline var transient = FlatDictionary<SlotKey, UInt256>()
  /// Balance and nonce deltas to accounts this transaction has not read
  /// (lazy: they stay deltas in `StateChanges.deltas` unless the account is
  /// read later).
  @usableFromInline var pendingDeltas = FlatDictionary<Address, AccountDelta>()
  /// Code of accounts known only by their code hash (not fully loaded).
  @usableFromInline var codeOnly = FlatDictionary<Address, Bytecode>()
  /// The view's answer to `isDead` for accounts not fully loaded (a read:
  /// never undone by a revert).
  @usableFromInline var knownDead = FlatDictionary<Address, Bool>()
  @usableFromInline var journal: [JournalEntry] = []
  /// Logs emitted so far (truncated on revert).
  public private(set) var logs: [Log] = []
  /// The refund counter (EIP-2200/3529); may go negative inside a frame.
  public var refund: Int64 = 0

  /// This state's own empty code, returned for every account without code:
  /// the shared `Bytecode.empty` would have its reference count updated by
  /// every thread on every transaction (one cache line bouncing between
  /// cores).
  @usableFromInline let emptyCode = Bytecode([], hash: Keccak256.emptyHash)

  public init(view: View, fork: Fork) {
    self.view = view
    self.fork = fork
  }

  /// Readies the state for the next transaction over `view`, keeping the
  /// capacity of its tables (one `JournaledState` serves a thread's
  /// transactions one after another).
  /// Clears the journal for the next transaction and borrows `view`: the
  /// state's current view (a placeholder) is swapped into the caller's
  /// variable, so the view's buffers stay uniquely referenced (its reads
  /// are appended without a copy). Hand it back with `returnView`.
  public func reset(borrowing view: inout View) {
    swap(&self.view, &view)
    accounts.removeAll(keepingCapacity: true)
    slots.removeAll(keepingCapacity: true)
    transient.removeAll(keepingCapacity: true)
    pendingDeltas.removeAll(keepingCapacity: true)
    codeOnly.removeAll(keepingCapacity: true)
    knownDead.removeAll(keepingCapacity: true)
    journal.removeAll(keepingCapacity: true)
    logs = []
    refund = 0
    precompilesWarm = false
  }

  /// Swaps the borrowed view back into `view` (which holds the placeholder
  /// `reset(borrowing:)` left there), so that nothing here keeps the
  /// caller's state shared (a later write to it would copy).
  public func returnView(into view: inout View) {
    swap(&self.view, &view)
  }

  // MARK: Checkpoints

  public func checkpoint() -> Checkpoint {
    Checkpoint(journalLength: journal.count, logCount: logs.count, refund: refund)
  }

  /// Undoes everything after `checkpoint`.
  public func revert(to checkpoint: Checkpoint) {
    while journal.count > checkpoint.journalLength {
      switch journal.removeLast() {
      case .accountLoaded(let address):
        // Reads are not undone (the view was asked); keep the loaded value.
        _ = address
      case .accountWarmed(let address):
        accounts[address]?.warm = false
      case .accountChanged(let address, let old):
        let warm = accounts[address]?.warm ?? old.warm
        accounts[address] = old
        accounts[address]!.warm = warm
      case .slotWarmed(let key):
        slots[key]?.warm = false
      case .slotChanged(let key, let old):
        slots[key]!.current = old
      case .transientChanged(let key, let old):
        transient[key] = old
      case .deltaAdded(let address, let old):
        pendingDeltas[address] = old
      case .deltaFolded(let address, let delta):
        // Back to "not read, delta pending": the next read folds it again.
        pendingDeltas[address] = delta
        accounts[address]?.loaded = false
      }
    }
    logs.removeSubrange(checkpoint.logCount...)
    refund = checkpoint.refund
  }

  // MARK: Accounts

  /// `field` of the account's entry, read in place when the account is
  /// loaded (`nil` when it is not). No copy of the entry, so no reference
  /// counting of its code: the code object is shared with other threads'
  /// states, and a count it keeps moves its cache line between cores.
  @inline(__always)
  func loadedField<R>(_ address: Address, _ field: (Entry) -> R) -> R? {
    accounts.withValue(forKey: address) { $0.loaded ? field($0) : nil } ?? nil
  }

  /// Whether the account has been read whole in this transaction.
  @inline(__always)
  func isLoaded(_ address: Address) -> Bool {
    accounts.withValue(forKey: address) { $0.loaded } ?? false
  }

  /// Loads the account from the view if needed; returns its current entry.

  func load(_ address: Address) -> Entry {
    if let entry = accounts[address], entry.loaded { return entry }
    let info = view.account(address)
    var entry =
      accounts[address]
      ?? Entry(
        info: AccountInfo(), exists: false, loaded: false, warm: false, code: nil, created: false,
        selfDestructed: false, touched: false, dirty: false, codeChanged: false)
    entry.info = info ?? AccountInfo()
    entry.exists = info != nil
    entry.loaded = true
    accounts[address] = entry
    if let delta = pendingDeltas.removeValue(forKey: address) {
      // Fold the lazy delta in, undoably: the fold is journaled before the
      // change, so a revert restores the entry as read, then the delta.
      journal.append(.deltaFolded(address, delta))
      journal.append(.accountChanged(address, entry))
      entry.info = delta.applied(to: entry.exists ? entry.info : nil)
      entry.exists = true
      entry.dirty = true
      accounts[address] = entry
    }
    return entry
  }

  /// Precompiles count as warm (EIP-2929) without an entry per transaction.
  public var precompilesWarm = false

  @inline(__always)
  func isWarmPrecompile(_ address: Address) -> Bool {
    precompilesWarm && Precompiles.lookup(address, fork: fork) != nil
  }

  /// Marks the address warm; returns whether it was cold before (EIP-2929).

  public func warmAccount(_ address: Address) -> Bool {
    if isWarmPrecompile(address) { return false }
    if let warm = accounts.withValue(forKey: address, { $0.warm }) {
      if warm { return false }
      accounts[address]!.warm = true
    } else {
      accounts[address] = Entry(
        info: AccountInfo(), exists: false, loaded: false, warm: true, code: nil, created: false,
        selfDestructed: false, touched: false, dirty: false, codeChanged: false)
    }
    journal.append(.accountWarmed(address))
    return true
  }

  /// Marks the address warm without journaling (transaction-start warm set:
  /// sender, recipient, precompiles, coinbase, access list).
  public func prewarmAccount(_ address: Address) {
    if accounts.contains(address) {
      accounts[address]!.warm = true
    } else {
      accounts[address] = Entry(
        info: AccountInfo(), exists: false, loaded: false, warm: true, code: nil, created: false,
        selfDestructed: false, touched: false, dirty: false, codeChanged: false)
    }
  }

  /// Marks the slot warm without journaling (access list).
  public func prewarmSlot(_ address: Address, _ key: UInt256) {
    let slotKey = SlotKey(address, key)
    if slots[slotKey] != nil {
      slots[slotKey]!.warm = true
    } else {
      slots[slotKey] = Slot(original: .zero, current: .zero, loaded: false, warm: true)
    }
  }

  public func isWarm(_ address: Address) -> Bool {
    isWarmPrecompile(address) || (accounts.withValue(forKey: address) { $0.warm } ?? false)
  }

  /// The account's fields (zero fields when it does not exist).

  public func info(_ address: Address) -> AccountInfo {
    loadedField(address) { $0.info } ?? load(address).info
  }

  public func exists(_ address: Address) -> Bool {
    loadedField(address) { $0.exists } ?? load(address).exists
  }

  /// EIP-161 "dead": absent, or present and empty. An account this
  /// transaction has not read is not read whole for this: the view is asked
  /// for its liveness alone (see `StateView.isDead`), with this
  /// transaction's pending credit on top; a pending debit (which could empty
  /// it) makes it read whole.
  public func isDead(_ address: Address) -> Bool {
    if let dead = loadedField(address, { !$0.exists || $0.info.isEmpty }) { return dead }
    if let delta = pendingDeltas[address] {
      if delta.nonce != 0 { return false }
      if !delta.balance.isZero {
        // A credit (top bit clear) leaves it non-empty; a debit may empty it.
        if delta.balance.w3 >> 63 == 0 { return false }
        let entry = load(address)
        return !entry.exists || entry.info.isEmpty
      }
    }
    if let dead = knownDead[address] { return dead }
    let dead = view.isDead(address)
    knownDead[address] = dead
    return dead
  }

  public func balance(_ address: Address) -> UInt256 {
    loadedField(address) { $0.info.balance } ?? load(address).info.balance
  }

  public func nonce(_ address: Address) -> UInt64 {
    loadedField(address) { $0.info.nonce } ?? load(address).info.nonce
  }

  /// The account's analysed code (empty for absent accounts).

  public func code(_ address: Address) -> Bytecode {
    // The code when already known, else the hash to fetch it by (one
    // retain of the code, none of a copied entry).
    let known: (code: Bytecode?, hash: Bytes32)? = loadedField(address) {
      ($0.code, $0.info.codeHash)
    }
    guard let known else {
      // Not read yet: fetch by code hash alone, so that Block-STM records a
      // read of the code, not of the balance.
      if let code = codeOnly[address] { return code }
      let hash = view.codeHash(address)
      let code: Bytecode = hash == Keccak256.emptyHash ? emptyCode : view.code(address, hash: hash)
      codeOnly[address] = code
      return code
    }
    if let code = known.code { return code }
    let code: Bytecode =
      known.hash == Keccak256.emptyHash
      ? emptyCode : view.code(address, hash: known.hash)
    accounts[address]!.code = code
    return code
  }

  public func codeHash(_ address: Address) -> Bytes32 {
    loadedField(address) { $0.info.codeHash } ?? load(address).info.codeHash
  }

  /// True when the account has code or a non-zero nonce, or non-empty storage
  /// (the CREATE collision rule, with EIP-7610).
  public func hasCollision(_ address: Address) -> Bool {
    let entry = load(address)
    if entry.info.nonce != 0 || entry.info.hasCode { return true }
    if entry.created { return false }
    return view.hasStorage(address)
  }

  /// Applies `change` to the account's entry, journaling the old entry.

  func modify(_ address: Address, _ change: (inout Entry) -> Void) {
    let old = load(address)
    journal.append(.accountChanged(address, old))
    // In place: `load` left the entry in the table.
    accounts.modify(address, insertingIfAbsent: { old }) { entry in
      change(&entry)
      entry.dirty = true
    }
  }

  /// The pre-Paris message-call touch: creates the account when absent and,
  /// from Spurious Dragon, makes it a candidate for deletion at the end of the
  /// transaction if it is empty then (EIP-161).
  ///
  /// From Spurious Dragon, touching a live account changes nothing (it is
  /// not empty now; if the transaction empties it later, that write marks
  /// it for deletion anyway), so an account not read yet is asked only for
  /// its liveness, not read whole.
  public func touch(_ address: Address) {
    if fork >= .spuriousDragon, !isLoaded(address), !isDead(address) { return }
    let entry = load(address)
    if entry.touched && entry.exists { return }
    modify(address) {
      $0.touched = true
      $0.exists = true
    }
  }

  public func setBalance(_ address: Address, _ balance: UInt256) {
    modify(address) {
      $0.info.balance = balance
      $0.exists = true
    }
  }

  /// Adds `amount` to the balance without reading the account when it has
  /// not been read yet (a lazy credit, applied when the diff is committed).
  public func credit(_ address: Address, _ amount: UInt256) {
    if isLoaded(address) {
      addBalance(address, amount)
      return
    }
    addDelta(address, AccountDelta(balance: amount))
  }

  /// Subtracts `amount` like `credit`, without reading the account; the
  /// caller checks the balance later (Block-STM's lazy sender).
  public func debit(_ address: Address, _ amount: UInt256) { credit(address, amount.negated) }

  /// Increments the nonce without reading the account when it has not been
  /// read yet (Block-STM's lazy sender; the nonce is checked at commit).
  public func incrementNonceLazily(_ address: Address) {
    if isLoaded(address) {
      incrementNonce(address)
      return
    }
    addDelta(address, AccountDelta(nonce: 1))
  }

  private func addDelta(_ address: Address, _ delta: AccountDelta) {
    let old = pendingDeltas[address]
    journal.append(.deltaAdded(address, old))
    pendingDeltas[address] = old.map { $0.adding(delta) } ?? delta
  }

  public func addBalance(_ address: Address, _ amount: UInt256) {
    let current = balance(address)
    setBalance(address, current &+ amount)
  }

  /// Subtracts; the caller has checked the balance.
  public func subtractBalance(_ address: Address, _ amount: UInt256) {
    let current = balance(address)
    setBalance(address, current &- amount)
  }

  public func setNonce(_ address: Address, _ nonce: UInt64) {
    modify(address) {
      $0.info.nonce = nonce
      $0.exists = true
    }
  }

  public func incrementNonce(_ address: Address) {
    setNonce(address, nonce(address) &+ 1)
  }

  public func setCode(_ address: Address, _ code: Bytecode) {
    modify(address) {
      $0.info.codeHash = code.hash
      $0.code = code
      $0.codeChanged = true
      $0.exists = true
    }
  }

  /// Marks the account as created in this transaction: it exists, and its
  /// storage is empty from now on.
  public func markCreated(_ address: Address) {
    modify(address) {
      $0.created = true
      $0.exists = true
    }
  }

  public func isCreatedInTransaction(_ address: Address) -> Bool {
    accounts.withValue(forKey: address) { $0.created } ?? false
  }

  public func markSelfDestructed(_ address: Address) {
    modify(address) { $0.selfDestructed = true }
  }

  public func isSelfDestructed(_ address: Address) -> Bool {
    accounts.withValue(forKey: address) { $0.selfDestructed } ?? false
  }

  // MARK: Storage

  func loadSlot(_ key: SlotKey) -> Slot {
    if let slot = slots[key], slot.loaded { return slot }
    let value: UInt256
    if accounts.withValue(forKey: key.address, { $0.created }) == true {
      value = .zero
    } else {
      value = view.storage(key.address, key.key)
    }
    let warm = slots[key]?.warm ?? false
    let slot = Slot(original: value, current: value, loaded: true, warm: warm)
    slots[key] = slot
    return slot
  }

  /// SLOAD: the current value and whether the slot was cold (and is now warm).

  public func sload(_ address: Address, _ key: UInt256) -> (value: UInt256, wasCold: Bool) {
    let slotKey = SlotKey(address, key)
    let slot = loadSlot(slotKey)
    if !slot.warm {
      slots[slotKey]!.warm = true
      journal.append(.slotWarmed(slotKey))
      return (slot.current, true)
    }
    return (slot.current, false)
  }

  /// SSTORE's inputs: (original, current, wasCold); warms the slot.

  public func storageForWrite(_ address: Address, _ key: UInt256) -> (
    original: UInt256, current: UInt256, wasCold: Bool
  ) {
    let slotKey = SlotKey(address, key)
    let slot = loadSlot(slotKey)
    if !slot.warm {
      slots[slotKey]!.warm = true
      journal.append(.slotWarmed(slotKey))
      return (slot.original, slot.current, true)
    }
    return (slot.original, slot.current, false)
  }

  /// The current value of a slot without warming it.
  public func storage(_ address: Address, _ key: UInt256) -> UInt256 {
    loadSlot(SlotKey(address, key)).current
  }

  /// Writes a slot (the caller has loaded it through `storageForWrite`).

  public func sstore(_ address: Address, _ key: UInt256, _ value: UInt256) {
    let slotKey = SlotKey(address, key)
    let old = loadSlot(slotKey).current
    if old == value { return }
    journal.append(.slotChanged(slotKey, old))
    slots[slotKey]!.current = value
  }

  // MARK: Transient storage (EIP-1153)

  public func tload(_ address: Address, _ key: UInt256) -> UInt256 {
    transient[SlotKey(address, key)] ?? .zero
  }

  public func tstore(_ address: Address, _ key: UInt256, _ value: UInt256) {
    let slotKey = SlotKey(address, key)
    let old = transient[slotKey] ?? .zero
    if old == value { return }
    journal.append(.transientChanged(slotKey, old))
    transient[slotKey] = value
  }

  // MARK: Logs

  public func log(_ entry: Log) { logs.append(entry) }

  // MARK: End of transaction

  /// Settles the transaction: deletes self-destructed accounts and (from
  /// Spurious Dragon) touched empty ones, and returns the diff. Pending
  /// credits to accounts that were never read stay lazy.
  public func finalize() -> StateChanges {
    var changes = StateChanges()
    for (address, entry) in accounts where entry.dirty || entry.touched {
      if entry.selfDestructed
        || (fork >= .spuriousDragon && entry.exists && entry.info.isEmpty)
      {
        changes.accounts[address] = AccountChange(info: nil, storageCleared: true)
        continue
      }
      guard entry.exists else { continue }
      changes.accounts[address] = AccountChange(
        info: entry.info, storageCleared: entry.created, storage: [],
        code: entry.codeChanged ? entry.code : nil)
    }
    for (key, slot) in slots where slot.loaded && slot.current != slot.original {
      if var change = changes.accounts[key.address] {
        // A deleted account's storage goes with it.
        guard change.info != nil || !change.infoChanged else { continue }
        change.storage.append((key.key, slot.current))
        changes.accounts[key.address] = change
      } else {
        // Storage written, account fields untouched (and perhaps never read).
        changes.accounts[key.address] = AccountChange(
          info: nil, infoChanged: false, storage: [(key.key, slot.current)])
      }
    }
    // Pending deltas exist only for accounts never loaded (a load folds them in).
    changes.deltas = pendingDeltas
    return changes
  }
}
