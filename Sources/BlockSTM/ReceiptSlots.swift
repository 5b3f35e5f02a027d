import EVM
import EVMPrimitives
import Execution
import Synchronization
import Transactions

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
    let receiptBloom = Bloom(logs: entry.logs, cache: &cache)
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
