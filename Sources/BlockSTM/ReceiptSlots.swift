import EVM
import EVMPrimitives
import Execution
import Synchronization
import Transactions

#if canImport(Glibc)
  import Glibc
#endif

/// A block's receipts and receipt-trie leaves, built by the workers as
/// transactions commit, so that encoding and hashing them overlaps with
/// execution instead of following it. They are written in place into the
/// arrays the block result returns (borrowed for the duration of the
/// block), and each worker ORs the blooms it built into its own
/// accumulator, merged once: the thread that finishes the block neither
/// copies the receipts nor reads their blooms from the other cores.
///
/// Invariants: slot `i` is written at most once by a worker, by the one
/// that committed transaction `i` or took it from `PublishedCommits` (each
/// index goes to exactly one worker), and is otherwise read or written only
/// by `complete` and `root`, which the caller runs after every worker has
/// returned (the join orders the writes before them). Distinct slots are distinct
/// memory, so writers never share a location. `merged` is updated under its
/// lock.
final class ReceiptSlots: @unchecked Sendable {
  let trie: OrderedTrie
  /// The receipt trie's root, its subtrees hashed as their leaves arrive.
  let root: IncrementalOrderedRoot
  /// Splits the bloom of a receipt with very many logs with an idle thread.
  let sharedBloom = SharedBloom()
  private let receipts: UnsafeMutableBufferPointer<Receipt>
  private let leaves: UnsafeMutableBufferPointer<TrieReference>
  private let built: UnsafeMutableBufferPointer<Bool>
  /// The merged blooms of the workers, and how many receipts they built.
  private let merged = Locked((bloom: Bloom(), built: 0))

  /// Slots over `receipts` and `leaves` (initialized, same count), which
  /// must outlive this object's use.
  init(
    trie: OrderedTrie, receipts: UnsafeMutableBufferPointer<Receipt>,
    leaves: UnsafeMutableBufferPointer<TrieReference>
  ) {
    precondition(receipts.count == leaves.count)
    self.trie = trie
    self.receipts = receipts
    self.leaves = leaves
    root = IncrementalOrderedRoot(trie: trie, leaves: leaves)
    built = .allocate(capacity: max(receipts.count, 1))
    built.initialize(repeating: false)
  }

  deinit {
    built.deallocate()
  }

  /// A receipt to fill the arrays with before the workers write them.
  static let placeholder = Receipt(
    type: .legacy, succeeded: false, postState: nil, cumulativeGasUsed: 0, logs: [],
    bloom: Bloom())

  /// What one worker accumulates: the OR of the blooms of the receipts it
  /// built, and their number.
  struct WorkerPart {
    var bloom = Bloom()
    var built = 0
  }

  /// Builds and stores the receipt of a committed transaction, adding it
  /// to the calling worker's `part`.
  func build(
    _ entry: ParallelExecutor.Committed, fork: Fork, cache: inout BloomCache,
    part: inout WorkerPart
  ) {
    let receiptBloom =
      entry.logs.count >= SharedBloom.minimumLogs
      ? sharedBloom.bloom(of: entry.logs, cache: &cache)
      : Bloom(logs: entry.logs, cache: &cache)
    part.bloom.formUnion(receiptBloom)
    part.built += 1
    store(
      BlockExecutor.makeReceipt(
        entry.type, succeeded: entry.succeeded, logs: entry.logs,
        cumulativeGasUsed: entry.cumulativeGasUsed, fork: fork, root: nil, bloom: receiptBloom),
      at: entry.index)
  }

  /// Merges a worker's part (once per worker, at its end).
  func merge(_ part: WorkerPart) {
    merged.withLock {
      $0.bloom.formUnion(part.bloom)
      $0.built += part.built
    }
  }

  private func store(_ receipt: Receipt, at index: Int) {
    assert(!built[index], "receipt \(index) built twice")
    let first = !built[index]
    leaves[index] = trie.leaf(index, value: receipt.encoded)
    receipts[index] = receipt
    built[index] = true
    if first { root.leafStored(index) }
  }

  /// Builds the receipts no worker built (transactions that ran
  /// sequentially after a fallback) from `outcomes`; returns the block's
  /// bloom (call once, after the workers).
  func complete(
    _ transactions: [BlockTransaction], outcomes: [TransactionOutcome], fork: Fork
  ) -> Bloom {
    let (workersBloom, workersBuilt) = merged.withLock { ($0.bloom, $0.built) }
    // All built: nothing here reads the outcomes (another core's memory;
    // a committer that knew this kept none).
    if workersBuilt == transactions.count { return workersBloom }
    var cache = BloomCache()
    var gasUsed: UInt64 = 0
    var blockBloom = workersBloom
    outcomes.withUnsafeBufferPointer { outcomes in
      for index in outcomes.indices {
        gasUsed += outcomes[index].gasUsed
        if !built[index] {
          let receiptBloom = Bloom(logs: outcomes[index].logs, cache: &cache)
          blockBloom.formUnion(receiptBloom)
          store(
            BlockExecutor.makeReceipt(
              transactions[index].transaction.type, outcomes[index], cumulativeGasUsed: gasUsed,
              fork: fork, root: nil, bloom: receiptBloom),
            at: index)
        }
      }
    }
    return blockBloom
  }
}

/// The bloom of one receipt with very many logs (thousands of events in one
/// transaction: a few milliseconds of hashing, at the end of the block),
/// computed in two halves: the building thread offers the second half, and
/// a thread with nothing else to do (`assist`, from its idle loop) takes it.
/// Untaken, the builder takes it back.
///
/// Invariants: `state` is 0 (free), -1 (held by one builder, nothing
/// offered), 1 (offered), 2 (taken by a helper) or 3 (the helper's result
/// is ready). Only the holder moves it from 0 to -1, writes `offered` (at
/// -1, then publishes it by the releasing store of 1) and reads `result`
/// after the acquiring load of 3; only the helper that moved it from 1 to 2
/// (acquiring) reads `offered` and writes `result` (published by the
/// releasing store of 3). The holder frees it (releasing store of 0).
final class SharedBloom: @unchecked Sendable {
  /// Receipts with fewer logs are not split (offering costs more).
  static let minimumLogs = 1024
  private let state = Atomic<Int>(0)
  private var offered: ArraySlice<Log> = []
  private var result = Bloom()

  /// The bloom of `logs`, half of it computed by a helper if one comes.
  func bloom(of logs: [Log], cache: inout BloomCache) -> Bloom {
    guard state.compareExchange(expected: 0, desired: -1, ordering: .acquiring).exchanged else {
      return Bloom(logs: logs, cache: &cache)  // another builder holds it
    }
    let half = logs.count / 2
    offered = logs[half...]
    state.store(1, ordering: .releasing)
    var bloom = Bloom(logs: logs[..<half], cache: &cache)
    if state.compareExchange(expected: 1, desired: -1, ordering: .acquiring).exchanged {
      bloom.formUnion(Bloom(logs: offered, cache: &cache))
    } else {
      var spins = 0
      while state.load(ordering: .acquiring) != 3 {
        spins += 1
        if spins > 64 { sched_yield() }
      }
      bloom.formUnion(result)
    }
    offered = []
    state.store(0, ordering: .releasing)
    return bloom
  }

  /// Computes the offered half, if there is one (called by idle threads).
  func assist(cache: inout BloomCache) {
    guard state.load(ordering: .relaxed) == 1,
      state.compareExchange(expected: 1, desired: 2, ordering: .acquiring).exchanged
    else { return }
    result = Bloom(logs: offered, cache: &cache)
    state.store(3, ordering: .releasing)
  }
}
