import EVM
import EVMPrimitives

/// One account in the in-memory store.
@frozen
public struct StoredAccount: Sendable {
  public var info: AccountInfo
  public var code: Bytecode
  /// Non-zero slots only.
  public var storage: FlatDictionary<UInt256, UInt256>

  public init(
    info: AccountInfo, code: Bytecode = .empty, storage: FlatDictionary<UInt256, UInt256> = [:]
  ) {
    self.info = info
    self.code = code
    self.storage = storage
  }
}

/// The whole world state in memory: accounts, storage and code, plus the
/// block hashes BLOCKHASH may ask for. The sequential executor's `StateView`.
///
/// A value type: a transaction reads a copy-on-write snapshot while it runs,
/// and `apply` commits its `StateChanges` afterwards. The accounts are
/// layered (`AccountStore`), so a copy that is then written costs what is
/// written, not the size of the state.
public struct InMemoryState: StateView, Sendable {
  public var accounts: AccountStore
  public var blockHashes: [UInt64: Bytes32]

  public init(
    accounts: FlatDictionary<Address, StoredAccount> = [:], blockHashes: [UInt64: Bytes32] = [:]
  ) {
    self.accounts = AccountStore(accounts)
    self.blockHashes = blockHashes
  }

  // MARK: StateView

  @inlinable
  public func account(_ address: Address) -> AccountInfo? {
    accounts.withAccount(address) { $0.pointee.info }
  }

  @inlinable
  public func codeHash(_ address: Address) -> Bytes32 {
    accounts.withAccount(address) { $0.pointee.info.codeHash } ?? Keccak256.emptyHash
  }

  @inlinable
  public func code(_ address: Address, hash: Bytes32) -> Bytecode {
    accounts.withAccount(address) { $0.pointee.code } ?? .empty
  }

  @inlinable
  public func storage(_ address: Address, _ key: UInt256) -> UInt256 {
    accounts.withAccount(address) { $0.pointee.storage[key] ?? .zero } ?? .zero
  }

  @inlinable
  public func hasStorage(_ address: Address) -> Bool {
    !(accounts.withAccount(address) { $0.pointee.storage.isEmpty } ?? true)
  }

  @inlinable
  public func blockHash(_ number: UInt64) -> Bytes32 { blockHashes[number] ?? .zero }

  @inlinable
  public func isDead(_ address: Address) -> Bool {
    accounts.withAccount(address) { $0.pointee.info.isEmpty } ?? true
  }

  // MARK: Writes

  /// Makes room for the accounts a block of `transactions` transactions
  /// is expected to write (two each: sender and recipient).
  public mutating func reserveWrites(transactions: Int) {
    accounts.reserveWrites(2 * transactions)
  }

  /// Commits one transaction's diff.
  public mutating func apply(_ changes: StateChanges) {
    for (address, change) in changes.accounts {
      applyChange(
        address, infoChanged: change.infoChanged, info: change.info,
        storageCleared: change.storageCleared, code: change.code
      ) { account in
        for (key, value) in change.storage { Self.write(key, value, into: &account) }
      }
    }
    for (address, delta) in changes.deltas {
      apply(delta, to: address)
    }
  }

  /// One account's `AccountChange`, its storage written by `writeStorage`
  /// (through `write(_:_:into:)`): only storage when `infoChanged` is
  /// false (on an account that exists, mutated in place); else the new
  /// fields (`nil`: the account is deleted, storage and all), the storage
  /// cleared first when `storageCleared`, and `code` when deployed.
  @inlinable
  public mutating func applyChange(
    _ address: Address, infoChanged: Bool, info: AccountInfo?, storageCleared: Bool,
    code: Bytecode?, writeStorage: (inout StoredAccount) -> Void
  ) {
    guard infoChanged else {
      accounts.modify(address, default: StoredAccount(info: AccountInfo()), writeStorage)
      return
    }
    guard let info else {
      accounts[address] = nil
      return
    }
    accounts.modify(address, default: StoredAccount(info: info)) { account in
      account.info = info
      if storageCleared { account.storage = [:] }
      if let code { account.code = code }
      writeStorage(&account)
    }
  }

  /// A lazy delta applied to the account (created when absent).
  @inlinable
  public mutating func apply(_ delta: AccountDelta, to address: Address) {
    accounts.modify(address, default: StoredAccount(info: AccountInfo())) {
      $0.info = delta.applied(to: $0.info)
    }
  }

  /// Writes one storage slot of `account` (zero removes it).
  @inlinable @inline(__always)
  public static func write(_ key: UInt256, _ value: UInt256, into account: inout StoredAccount) {
    if value.isZero {
      account.storage.removeValue(forKey: key)
    } else {
      account.storage[key] = value
    }
  }

  /// Adds `amount` to the balance, creating the account when absent.
  public mutating func credit(_ address: Address, _ amount: UInt256) {
    accounts.modify(address, default: StoredAccount(info: AccountInfo())) {
      $0.info.balance = $0.info.balance &+ amount
    }
  }

  // MARK: Roots

  /// The Merkle Patricia root of the account trie.
  public func stateRoot() -> Bytes32 {
    var pairs: [(key: [UInt8], value: [UInt8])] = []
    pairs.reserveCapacity(accounts.count)
    for (address, account) in accounts {
      var encoder = RLPEncoder()
      encoder.appendList { list in
        list.append(account.info.nonce)
        list.append(account.info.balance)
        list.append(InMemoryState.storageRoot(account.storage))
        list.append(account.info.codeHash)
      }
      pairs.append((Keccak256.hash(address: address).bytes, encoder.bytes))
    }
    return MerklePatriciaTrie.root(pairs)
  }

  /// The root of one account's storage trie (keys hashed, values RLP-encoded).
  public static func storageRoot(_ storage: FlatDictionary<UInt256, UInt256>) -> Bytes32 {
    if storage.isEmpty { return MerklePatriciaTrie.emptyRoot }
    var pairs: [(key: [UInt8], value: [UInt8])] = []
    pairs.reserveCapacity(storage.count)
    for (key, value) in storage where !value.isZero {
      var encoder = RLPEncoder()
      encoder.append(value)
      pairs.append((Keccak256.hash(word: key).bytes, encoder.bytes))
    }
    return MerklePatriciaTrie.root(pairs)
  }
}

extension InMemoryState {
  /// The first difference from `other`, described (`nil` when the two states
  /// are equal: same accounts, balances, nonces, code and non-zero storage).
  public func firstDifference(from other: InMemoryState) -> String? {
    for address in Set(accounts.keys).union(other.accounts.keys).sorted() {
      let a = accounts[address]
      let b = other.accounts[address]
      switch (a, b) {
      case (nil, nil): continue
      case (nil, _?): return "\(address): absent here, present there"
      case (_?, nil): return "\(address): present here, absent there"
      case (let a?, let b?):
        if a.info != b.info { return "\(address): \(a.info) vs \(b.info)" }
        if a.storage != b.storage {
          for key in Set(a.storage.keys).union(b.storage.keys).sorted()
          where a.storage[key] != b.storage[key] {
            return
              "\(address) slot \(key.hexWord): \(a.storage[key] ?? .zero) vs \(b.storage[key] ?? .zero)"
          }
        }
      }
    }
    return nil
  }
}
