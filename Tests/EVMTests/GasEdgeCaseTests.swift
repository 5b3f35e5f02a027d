import EVM
import EVMPrimitives
import Execution
import Testing
import Transactions

@Suite struct GasEdgeCaseTests {
  /// EIP-3529's SSTORE table (London): code, execution gas, refund, original
  /// value. The slot is warm through the access list, as the EIP assumes.
  static let eip3529: [(code: String, gas: UInt64, refund: UInt64, original: UInt64)] = [
    ("60006000556000600055", 212, 0, 0),
    ("60006000556001600055", 20112, 0, 0),
    ("60016000556000600055", 20112, 19900, 0),
    ("60016000556002600055", 20112, 0, 0),
    ("60016000556001600055", 20112, 0, 0),
    ("60006000556000600055", 3012, 4800, 1),
    ("60006000556001600055", 3012, 2800, 1),
    ("60006000556002600055", 3012, 0, 1),
    ("60026000556000600055", 3012, 4800, 1),
    ("60026000556003600055", 3012, 0, 1),
    ("60026000556001600055", 3012, 2800, 1),
    ("60026000556002600055", 3012, 0, 1),
    ("60016000556000600055", 3012, 4800, 1),
    ("60016000556002600055", 3012, 0, 1),
    ("60016000556001600055", 212, 0, 1),
    ("600160005560006000556001600055", 40118, 19900, 0),
    ("600060005560016000556000600055", 5918, 7600, 1),
  ]

  @Test(arguments: 0..<eip3529.count)
  func eip3529SstoreTable(_ index: Int) throws {
    let row = Self.eip3529[index]
    var harness = ExecutionHarness(fork: .london)
    harness.deploy(
      Hex.decode(row.code)!, storage: row.original == 0 ? [:] : [.zero: UInt256(row.original)])
    let accessList = [AccessListEntry(address: ExecutionHarness.contract, storageKeys: [.zero])]
    let outcome = try harness.call(accessList: accessList)
    let beforeRefund = 21000 + 2400 + 1900 + row.gas
    let expected = beforeRefund - min(beforeRefund / 5, row.refund)
    #expect(outcome.status == .success)
    #expect(outcome.gasUsed == expected, "code \(row.code)")
  }

  /// EIP-2200's table (Istanbul): code, execution gas, refund, original.
  static let eip2200: [(code: String, gas: UInt64, refund: UInt64, original: UInt64)] = [
    ("60006000556000600055", 1612, 0, 0),
    ("60006000556001600055", 20812, 0, 0),
    ("60016000556000600055", 20812, 19200, 0),
    ("60016000556002600055", 20812, 0, 0),
    ("60016000556001600055", 20812, 0, 0),
    ("60006000556000600055", 5812, 15000, 1),
    ("60006000556001600055", 5812, 4200, 1),
    ("60006000556002600055", 5812, 0, 1),
    ("60026000556000600055", 5812, 15000, 1),
    ("60026000556003600055", 5812, 0, 1),
    ("60026000556001600055", 5812, 4200, 1),
    ("60026000556002600055", 5812, 0, 1),
    ("60016000556000600055", 5812, 15000, 1),
    ("60016000556002600055", 5812, 0, 1),
    ("60016000556001600055", 1612, 0, 1),
    ("600160005560006000556001600055", 40818, 19200, 0),
    ("600060005560016000556000600055", 10818, 19200, 1),
  ]

  @Test(arguments: 0..<eip2200.count)
  func eip2200SstoreTable(_ index: Int) throws {
    let row = Self.eip2200[index]
    var harness = ExecutionHarness(fork: .istanbul)
    harness.deploy(
      Hex.decode(row.code)!, storage: row.original == 0 ? [:] : [.zero: UInt256(row.original)])
    let outcome = try harness.call()
    let beforeRefund = 21000 + row.gas
    let expected = beforeRefund - min(beforeRefund / 2, row.refund)
    #expect(outcome.status == .success)
    #expect(outcome.gasUsed == expected, "code \(row.code)")
  }

  /// A contract that calls itself as deep as the EVM allows: depth 1024 runs
  /// on heap frames, not the thread stack, and the 1025th call is refused.
  @Test func callDepthLimit() throws {
    // n = calldata[0]+1; sstore(0, n); mstore(0, n); call(gas, address, 0, 0, 32, 0, 0)
    let code = Hex.decode("6000356001018060005560005260006000602060006000305af100")!
    var harness = ExecutionHarness(fork: .cancun, gasLimit: 1_000_000_000_000)
    harness.deploy(code)
    let outcome = try harness.call(gas: 1_000_000_000_000)
    #expect(outcome.status == .success)
    // Frames at depths 0…1024 each stored depth+1.
    #expect(harness.storage(.zero) == UInt256(1025))
  }

  /// EIP-150: with 63/64 forwarding, recursion stops long before depth 1024.
  @Test func allButOne64thLimitsRecursion() throws {
    let code = Hex.decode("6000356001018060005560005260006000602060006000305af100")!
    var harness = ExecutionHarness(fork: .cancun)
    harness.deploy(code)
    let outcome = try harness.call(gas: 10_000_000)
    #expect(outcome.status == .success)
    let depth = harness.storage(.zero)
    #expect(depth > UInt256(100) && depth < UInt256(1025))
  }
}
