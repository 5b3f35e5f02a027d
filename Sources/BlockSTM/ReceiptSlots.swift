import EVM
import EVMPrimitives
import Execution
import Transactions

/// A block's receipts and receipt-trie leaves, built by the workers as
/// transactions commit, so that encoding and hashing them overlaps with
/// execution instead of following it.
///
/// Invariants: slot `i` is written at most once, by the worker that committed
/// transaction `i` (commits hand each index to exactly one worker), and is
/// read only by `collect`, which the caller runs after every worker has
/// returned (the join orders the writes before the reads). Distinct slots
/// are distinct memory, so writers never share a location.
final class ReceiptSlots: @unchecked Sendable {
  let trie: OrderedTrie
  private let receipts: UnsafeMutableBufferPointer<Receipt?>
  private let leaves: UnsafeMutableBufferPointer<TrieReference?>

  init(count: Int) {
    precondition(count >= 0)
    trie = OrderedTrie(count: count)
    receipts = .allocate(capacity: count)
    receipts.initialize(repeating: nil)
    leaves = .allocate(capacity: count)
    leaves.initialize(repeating: nil)
  }

  deinit {
    receipts.deinitialize().deallocate()
    leaves.deinitialize().deallocate()
  }

  /// Stores the receipt of transaction `index` with its trie leaf.
  func store(_ receipt: Receipt, at index: Int) {
    leaves[index] = trie.leaf(index, value: receipt.encoded)
    receipts[index] = receipt
  }

  /// Every receipt and leaf, building those no worker built (transactions
  /// that ran sequentially after a fallback) from `outcomes`; moves them
  /// out (call once).
  func collect(
    _ transactions: [BlockTransaction], outcomes: [TransactionOutcome], fork: Fork
  ) -> (receipts: [Receipt], leaves: [TrieReference]) {
    var cache = BloomCache()
    var gasUsed: UInt64 = 0
    var built = 0
    defer { if STMTrace.phases { EVMTrace.write("collect built \(built) receipts\n") } }
    for index in outcomes.indices {
      gasUsed += outcomes[index].gasUsed
      if receipts[index] == nil {
        built += 1
        store(
          BlockExecutor.makeReceipt(
            transactions[index].transaction.type, outcomes[index], cumulativeGasUsed: gasUsed,
            fork: fork, root: nil, bloom: Bloom(logs: outcomes[index].logs, cache: &cache)),
          at: index)
      }
    }
    let count = outcomes.count
    let allReceipts = [Receipt](unsafeUninitializedCapacity: count) { buffer, initialized in
      for index in 0..<count {
        (buffer.baseAddress! + index).initialize(to: receipts[index].take()!)
      }
      initialized = count
    }
    let allLeaves = [TrieReference](unsafeUninitializedCapacity: count) { buffer, initialized in
      for index in 0..<count { (buffer.baseAddress! + index).initialize(to: leaves[index].take()!) }
      initialized = count
    }
    return (allReceipts, allLeaves)
  }
}
