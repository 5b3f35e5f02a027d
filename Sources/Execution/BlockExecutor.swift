import EVM
import EVMPrimitives
import Transactions
import WorldState

/// Why a block is invalid.
public enum BlockError: Error, Sendable, CustomStringConvertible {
  case invalidTransaction(index: Int, hash: Bytes32, reason: InvalidTransaction)
  case systemCall(String)
  case invalidDeposit(String)
  case blobGasUsed(expected: UInt64, got: UInt64)

  public var description: String {
    switch self {
    case .invalidTransaction(let index, let hash, let reason):
      return "transaction \(index) (\(hash)): \(reason)"
    case .systemCall(let why): return "system call: \(why)"
    case .invalidDeposit(let why): return "deposit request: \(why)"
    case .blobGasUsed(let expected, let got): return "blob gas used \(got), header says \(expected)"
    }
  }
}

/// The result of executing a block.
public struct BlockResult: Sendable {
  public var receipts: [Receipt]
  public var gasUsed: UInt64
  public var blobGasUsed: UInt64
  public var logsBloom: Bloom
  public var receiptsRoot: Bytes32
  public var withdrawalsRoot: Bytes32?
  /// EIP-7685 (Prague).
  public var requestsHash: Bytes32?
  /// True when a transaction called a precompile whose cryptography is pending.
  public var calledPendingPrecompile: Bool
}

/// Sequential block execution over the in-memory state, in the order the
/// execution specs' `apply_body` uses: irregular changes and system calls,
/// transactions, rewards, withdrawals, requests.
public enum BlockExecutor {
  /// Executes `block` on `state`. On error `state` is left as it was.
  /// `intermediateRoots` computes the pre-Byzantium receipt state roots
  /// (meaningful only when `state` is the complete state).
  public static func execute(
    _ block: Block, state: inout InMemoryState, intermediateRoots: Bool = false
  ) throws(BlockError) -> BlockResult {
    var working = state
    let env = block.environment
    let fork = env.fork

    try preExecution(block, state: &working)

    var receipts: [Receipt] = []
    receipts.reserveCapacity(block.transactions.count)
    working.reserveWrites(transactions: block.transactions.count)
    var gasUsed: UInt64 = 0
    var blobGasUsed: UInt64 = 0
    var pending = false
    var bloomCache = BloomCache()
    let workspace = TransactionWorkspace(placeholder: InMemoryState(), block: env)
    for (index, item) in block.transactions.enumerated() {
      let outcome: TransactionOutcome
      do {
        outcome = try TransactionProcessor.execute(
          item.transaction, sender: item.sender, view: &working, block: env,
          blockGasUsed: gasUsed, blockBlobGasUsed: blobGasUsed, workspace: workspace)
      } catch {
        throw .invalidTransaction(index: index, hash: item.transaction.hash, reason: error)
      }
      working.apply(outcome.changes)
      gasUsed += outcome.gasUsed
      blobGasUsed += outcome.blobGasUsed
      pending = pending || outcome.calledPendingPrecompile
      receipts.append(
        makeReceipt(
          item.transaction.type, outcome, cumulativeGasUsed: gasUsed, fork: fork,
          root: intermediateRoots && fork < .byzantium ? working.stateRoot() : nil,
          bloom: Bloom(logs: outcome.logs, cache: &bloomCache)))
    }

    let requestsHash = try postExecution(block, state: &working, receipts: receipts)
    state = working
    return finish(
      receipts: receipts, gasUsed: gasUsed, blobGasUsed: blobGasUsed,
      withdrawals: block.withdrawals,
      requestsHash: requestsHash, calledPendingPrecompile: pending)
  }

  /// The receipt of one transaction.
  public static func makeReceipt(
    _ type: TransactionType, _ outcome: TransactionOutcome, cumulativeGasUsed: UInt64, fork: Fork,
    root: Bytes32?, bloom: Bloom
  ) -> Receipt {
    makeReceipt(
      type, succeeded: outcome.status.isSuccess, logs: outcome.logs,
      cumulativeGasUsed: cumulativeGasUsed, fork: fork, root: root, bloom: bloom)
  }

  /// The receipt of one transaction, from its parts (before Byzantium the
  /// status field is the intermediate state root, zero when not computed).
  public static func makeReceipt(
    _ type: TransactionType, succeeded: Bool, logs: [Log], cumulativeGasUsed: UInt64, fork: Fork,
    root: Bytes32?, bloom: Bloom
  ) -> Receipt {
    Receipt(
      type: type, succeeded: succeeded,
      postState: fork < .byzantium ? (root ?? .zero) : nil, cumulativeGasUsed: cumulativeGasUsed,
      logs: logs, bloom: bloom)
  }

  /// Roots and bloom over the receipts. `receiptsRoot`, when given, is the
  /// receipt trie's root computed beforehand (by the threads that built the
  /// receipts, `IncrementalOrderedRoot`), and `logsBloom` the union of the
  /// receipts' blooms.
  public static func finish(
    receipts: [Receipt], gasUsed: UInt64, blobGasUsed: UInt64, withdrawals: [Withdrawal]?,
    requestsHash: Bytes32?, calledPendingPrecompile: Bool,
    receiptsRoot: Bytes32? = nil, logsBloom: Bloom? = nil
  ) -> BlockResult {
    var bloom = Bloom()
    if let logsBloom {
      bloom = logsBloom
    } else {
      receipts.withUnsafeBufferPointer { receipts in
        for i in receipts.indices { bloom.formUnion(receipts[i].bloom) }
      }
    }
    let root = receiptsRoot ?? MerklePatriciaTrie.orderedRoot(receipts.map(\.encoded))
    return BlockResult(
      receipts: receipts, gasUsed: gasUsed, blobGasUsed: blobGasUsed, logsBloom: bloom,
      receiptsRoot: root,
      withdrawalsRoot: withdrawals.map { MerklePatriciaTrie.orderedRoot($0.map(\.encoded)) },
      requestsHash: requestsHash, calledPendingPrecompile: calledPendingPrecompile)
  }

  /// Before the transactions: the DAO fork's balance move, the EIP-4788 beacon
  /// root and the EIP-2935 parent hash system calls.
  public static func preExecution(_ block: Block, state: inout InMemoryState) throws(BlockError) {
    let env = block.environment
    if env.fork == .dao && env.number == MainnetSchedule.daoForkBlock {
      for address in DAOFork.accounts {
        guard let balance = state.accounts[address]?.info.balance, !balance.isZero else { continue }
        state.accounts[address]!.info.balance = .zero
        state.credit(DAOFork.recovery, balance)
      }
    }
    if env.fork >= .cancun, let root = block.parentBeaconBlockRoot {
      let outcome = SystemCall.execute(
        target: SystemCall.beaconRoots, data: root.bytes, view: state, block: env)
      state.apply(outcome.changes)
    }
    if env.fork >= .prague {
      let outcome = SystemCall.execute(
        target: SystemCall.historyStorage, data: block.parentHash.bytes, view: state, block: env)
      state.apply(outcome.changes)
    }
  }

  /// After the transactions: block and ommer rewards before the Merge,
  /// withdrawals from Shanghai, requests from Prague (returns their hash).
  public static func postExecution(
    _ block: Block, state: inout InMemoryState, receipts: [Receipt]
  ) throws(BlockError) -> Bytes32? {
    let env = block.environment
    let fork = env.fork
    if fork < .paris {
      let ether = UInt256(1_000_000_000_000_000_000)
      let reward: UInt256 =
        fork >= .constantinople
        ? ether &* UInt256(2) : fork >= .byzantium ? ether &* UInt256(3) : ether &* UInt256(5)
      let count = UInt256(UInt64(block.ommers.count))
      state.credit(env.coinbase, reward &+ count &* reward.quotient(dividingBy: UInt256(32)))
      for ommer in block.ommers {
        let age = UInt256(env.number - ommer.number)
        state.credit(
          ommer.coinbase, ((UInt256(8) &- age) &* reward).quotient(dividingBy: UInt256(8)))
      }
    }
    if fork >= .shanghai, let withdrawals = block.withdrawals {
      for withdrawal in withdrawals {
        state.credit(withdrawal.address, UInt256(withdrawal.amount) &* UInt256(1_000_000_000))
        // A zero withdrawal leaves no empty account behind.
        if state.accounts[withdrawal.address]?.info.isEmpty == true {
          state.accounts[withdrawal.address] = nil
        }
      }
    }
    guard fork >= .prague else { return nil }
    var requests: [[UInt8]] = []
    let deposits = try DepositRequests.parse(receipts.flatMap(\.logs))
    if !deposits.isEmpty { requests.append([0x00] + deposits) }
    for (type, target) in [
      (UInt8(0x01), SystemCall.withdrawalRequests), (0x02, SystemCall.consolidationRequests),
    ] {
      let outcome = SystemCall.execute(target: target, data: [], view: state, block: env)
      guard outcome.hadCode else { throw .systemCall("no code at \(target)") }
      guard outcome.status.isSuccess else {
        throw .systemCall("call to \(target) failed: \(outcome.status)")
      }
      state.apply(outcome.changes)
      if !outcome.output.isEmpty { requests.append([type] + outcome.output) }
    }
    return DepositRequests.requestsHash(requests)
  }
}
