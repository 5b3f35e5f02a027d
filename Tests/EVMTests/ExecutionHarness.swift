import EVM
import EVMPrimitives
import Execution
import Transactions
import WorldState

/// Runs one call transaction against a small in-memory world for EVM tests.
struct ExecutionHarness {
  static let sender = Address(hex: "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b")!
  static let contract = Address(hex: "0x1000000000000000000000000000000000000000")!

  var state = InMemoryState()
  var block: BlockEnvironment

  init(fork: Fork, gasLimit: UInt64 = 30_000_000) {
    block = BlockEnvironment(fork: fork, gasLimit: gasLimit)
    state.accounts[Self.sender] = StoredAccount(
      info: AccountInfo(balance: UInt256(w0: 0, w1: 1, w2: 0, w3: 0)))
  }

  /// Deploys `code` at `contract` with `storage`.
  mutating func deploy(
    _ code: [UInt8], at address: Address = contract, storage: [UInt256: UInt256] = [:]
  ) {
    let bytecode = Bytecode(code)
    state.accounts[address] = StoredAccount(
      info: AccountInfo(nonce: 1, codeHash: bytecode.hash), code: bytecode,
      storage: FlatDictionary(storage))
  }

  /// Executes a zero-price call to `contract` and applies it.
  mutating func call(
    data: [UInt8] = [], gas: UInt64 = 1_000_000, accessList: [AccessListEntry] = []
  ) throws -> TransactionOutcome {
    let nonce = state.accounts[Self.sender]!.info.nonce
    let tx = Transaction(
      type: accessList.isEmpty ? .legacy : .accessList, chainId: 1, nonce: nonce, gasPrice: .zero,
      maxPriorityFeePerGas: .zero, maxFeePerGas: .zero, gasLimit: gas, to: Self.contract,
      value: .zero, data: data, accessList: accessList, maxFeePerBlobGas: .zero,
      blobVersionedHashes: [], authorizationList: [], v: .zero, r: .zero, s: .zero)
    let outcome = try TransactionProcessor.execute(
      tx, sender: Self.sender, view: state, block: block)
    state.apply(outcome.changes)
    return outcome
  }

  func storage(_ key: UInt256, at address: Address = contract) -> UInt256 {
    state.accounts[address]?.storage[key] ?? .zero
  }
}
