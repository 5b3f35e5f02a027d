import EVMPrimitives
import Execution
import Fixtures
import Transactions
import XCTest

/// The shapes of the generated workloads and the option parsing.
final class WorkloadGeneratorTests: XCTestCase {
  func generate(_ kind: WorkloadKind, gas: UInt64 = 2_000_000, pools: Int? = nil) throws
    -> GeneratedWorkload
  {
    try WorkloadGenerator.generate(WorkloadOptions(kind: kind, gas: gas, seed: 9, pools: pools))
  }

  func testBlocksAreFullAndFeesGoToTheCoinbase() throws {
    for kind in WorkloadKind.allCases {
      let w = try generate(kind)
      let env = w.block.environment
      XCTAssertEqual(env.gasLimit, 2_000_000)
      XCTAssertLessThanOrEqual(w.result.gasUsed, env.gasLimit)
      // Stopped only because the next transaction's gas limit did not fit.
      XCTAssertGreaterThan(w.result.gasUsed + 80_000, env.gasLimit, "\(kind)")
      XCTAssertEqual(w.result.receipts.count, w.block.transactions.count)
      XCTAssertEqual(env.chainId, 1)
      XCTAssertEqual(env.fork, .cancun)
      XCTAssertFalse(env.baseFee.isZero)
      var post = w.pre
      _ = try BlockExecutor.execute(w.block, state: &post)
      let before = w.pre.accounts[env.coinbase]!.info.balance
      XCTAssertGreaterThan(
        post.accounts[env.coinbase]!.info.balance, before, "\(kind): coinbase earned nothing")
      for item in w.block.transactions {
        XCTAssertGreaterThan(item.transaction.maxPriorityFeePerGas, .zero)
        XCTAssertGreaterThanOrEqual(item.transaction.maxFeePerGas, env.baseFee)
      }
    }
  }

  func testPatterns() throws {
    let transfers = try generate(.transfers)
    XCTAssertEqual(transfers.senders, transfers.block.transactions.count)
    XCTAssertEqual(
      Set(transfers.block.transactions.map { $0.transaction.to! }).count,
      transfers.block.transactions.count)
    XCTAssertTrue(
      transfers.block.transactions.allSatisfy {
        $0.transaction.data.isEmpty && $0.transaction.type == .dynamicFee
      })

    let hot = try generate(.hotTransfers)
    XCTAssertEqual(Set(hot.block.transactions.map { $0.transaction.to! }).count, 1)
    XCTAssertEqual(hot.senders, hot.block.transactions.count)

    let erc20 = try generate(.erc20)
    XCTAssertTrue(
      erc20.block.transactions.allSatisfy { $0.transaction.to == WorkloadGenerator.tokenAddress })
    XCTAssertEqual(erc20.senders, erc20.block.transactions.count)
    XCTAssertEqual(erc20.result.receipts.flatMap(\.logs).count, erc20.block.transactions.count)

    let hotSender = try generate(.erc20HotSender)
    XCTAssertEqual(hotSender.senders, 1)
    XCTAssertEqual(
      hotSender.block.transactions.map(\.transaction.nonce),
      Array(0..<UInt64(hotSender.block.transactions.count)))

    let hotRecipient = try generate(.erc20HotRecipient)
    let recipients = Set(hotRecipient.block.transactions.map { Array($0.transaction.data[4..<36]) })
    XCTAssertEqual(recipients.count, 1)

    let onePool = try generate(.ammOnePool)
    XCTAssertTrue(
      onePool.block.transactions.allSatisfy {
        $0.transaction.to == WorkloadGenerator.poolAddress(0)
      })

    let manyPools = try generate(.ammManyPools)
    XCTAssertEqual(
      Set(manyPools.block.transactions.map { $0.transaction.to! }).count,
      manyPools.block.transactions.count)
    let threePools = try generate(.ammManyPools, pools: 3)
    XCTAssertEqual(Set(threePools.block.transactions.map { $0.transaction.to! }).count, 3)

    let mix = try WorkloadGenerator.generate(WorkloadOptions(kind: .mix, gas: 30_000_000, seed: 1))
    let types = Set(mix.block.transactions.map(\.transaction.type))
    XCTAssertEqual(types, [.legacy, .accessList, .dynamicFee])
    XCTAssertGreaterThan(mix.reverted, 0)
    XCTAssertEqual(mix.result.receipts.filter { !$0.succeeded }.count, mix.reverted)
    XCTAssertLessThan(mix.senders, mix.block.transactions.count, "mix reuses senders")
    XCTAssertGreaterThanOrEqual(mix.counts.count, 7)
    XCTAssertEqual(mix.counts.values.reduce(0, +), mix.block.transactions.count)
  }

  func testEveryTransactionIsSignedByItsSender() throws {
    let mix = try generate(.mix, gas: 5_000_000)
    for item in mix.block.transactions {
      XCTAssertEqual(try item.transaction.recoverSender(fork: .cancun), item.sender)
    }
    let (key, address) = WorkloadKeys.key(seed: 9, index: 0)
    XCTAssertEqual(key.count, 32)
    XCTAssertEqual(WorkloadKeys.key(seed: 9, index: 0).address, address)
    XCTAssertNotEqual(WorkloadKeys.key(seed: 9, index: 1).address, address)
  }

  func testOptions() {
    XCTAssertEqual(WorkloadOptions.parseGas("30M"), 30_000_000)
    XCTAssertEqual(WorkloadOptions.parseGas("1G"), 1_000_000_000)
    XCTAssertEqual(WorkloadOptions.parseGas("1g"), 1_000_000_000)
    XCTAssertEqual(WorkloadOptions.parseGas("500K"), 500_000)
    XCTAssertEqual(WorkloadOptions.parseGas("21_000"), 21_000)
    XCTAssertNil(WorkloadOptions.parseGas("30X"))
    XCTAssertNil(WorkloadOptions.parseGas("M"))
    XCTAssertNil(WorkloadOptions.parseGas("99999999999999G"))
    XCTAssertEqual(WorkloadOptions.gasLabel(30_000_000), "30M")
    XCTAssertEqual(WorkloadOptions.gasLabel(1_000_000_000), "1G")
    XCTAssertEqual(WorkloadOptions.gasLabel(21_000), "21K")
    XCTAssertEqual(WorkloadOptions.gasLabel(21_001), "21001")
    XCTAssertEqual(WorkloadKind(rawValue: "erc20-hot-sender"), .erc20HotSender)
    XCTAssertEqual(WorkloadKind.allCases.count, 8)
  }

  func testRejectedOptions() {
    XCTAssertThrowsError(
      try WorkloadGenerator.generate(WorkloadOptions(kind: .erc20, fork: .prague))
    ) { error in
      guard case .unsupportedFork(.prague) = error as? WorkloadError else {
        return XCTFail("\(error)")
      }
    }
    XCTAssertThrowsError(try WorkloadGenerator.generate(WorkloadOptions(kind: .erc20, gas: 20_000)))
    XCTAssertThrowsError(
      try WorkloadGenerator.generate(WorkloadOptions(kind: .ammManyPools, pools: 0)))
  }

  func testSplitMix64() {
    var a = SplitMix64(seed: 1)
    var b = SplitMix64(seed: 1)
    let first = (0..<100).map { _ in a.next() }
    XCTAssertEqual(first, (0..<100).map { _ in b.next() })
    XCTAssertEqual(Set(first).count, 100)
    for _ in 0..<1_000 {
      let x = a.next(in: 5...9)
      XCTAssertTrue((5...9).contains(x))
    }
    XCTAssertEqual(a.bytes(20).count, 20)
  }
}
