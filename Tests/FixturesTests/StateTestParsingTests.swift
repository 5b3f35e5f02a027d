import EVMPrimitives
import Fixtures
import Foundation
import XCTest

/// The project's own state-test fixture, `Fixtures/statetests/` at the package root.
let ownFixtures = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Fixtures/statetests")

final class StateTestParsingTests: XCTestCase {
  func loadHandWritten() throws -> StateTestFile {
    try StateTestFile.load(
      ownFixtures.appendingPathComponent("handWritten.json"), path: "handWritten.json")
  }

  func testParsesTheHandWrittenTest() throws {
    let file = try loadHandWritten()
    XCTAssertEqual(file.path, "handWritten.json")
    XCTAssertEqual(file.tests.count, 1)
    let test = file.tests[0]
    XCTAssertEqual(test.name, "handWritten")

    XCTAssertEqual(test.env.coinbase, Address(hex: "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba"))
    XCTAssertEqual(test.env.gasLimit, 10_000_000_000)
    XCTAssertEqual(test.env.number, 1)
    XCTAssertEqual(test.env.timestamp, 1000)
    XCTAssertEqual(test.env.difficulty, UInt256(0x20000))
    XCTAssertEqual(test.env.random, Bytes32(word: UInt256(0x20000)))
    XCTAssertEqual(test.env.baseFee, UInt256(10))
    XCTAssertEqual(test.env.excessBlobGas, 0)
    XCTAssertNil(test.env.previousHash)
    XCTAssertEqual(test.env.blockHashes, [:])

    let contract = try XCTUnwrap(
      test.pre[Address(hex: "0x1000000000000000000000000000000000000000")!])
    XCTAssertEqual(contract.balance, .zero)
    XCTAssertEqual(contract.code.first, 0x60)
    XCTAssertEqual(contract.storage, [UInt256(2): UInt256(7)])
    let sender = try XCTUnwrap(
      test.pre[Address(hex: "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b")!])
    XCTAssertEqual(sender.balance, UInt256(hexOrDecimal: "0x3635c9adc5dea00000"))

    XCTAssertEqual(test.transaction.gasLimit, [UInt256(100_000), UInt256(20_999)])
    XCTAssertEqual(test.transaction.to, Address(hex: "0x1000000000000000000000000000000000000000"))

    // Forks in chronological order, entries as listed.
    XCTAssertEqual(test.post.map(\.forkName), ["Shanghai", "Shanghai", "Cancun", "Cancun"])
    XCTAssertEqual(test.post.map(\.fork), [.shanghai, .shanghai, .cancun, .cancun])
    XCTAssertEqual(test.post[1].indexes, StateTestIndexes(data: 0, gas: 1, value: 0))
    XCTAssertEqual(test.post[1].indexes.description, "d0g1v0")
    XCTAssertNil(test.post[0].expectException)
    XCTAssertEqual(test.post[1].expectException, "TransactionException.INTRINSIC_GAS_TOO_LOW")
    XCTAssertFalse(test.post[0].txBytes.isEmpty)
  }

  func testBlockEnvironmentFollowsTheReferenceHarness() throws {
    var env = try loadHandWritten().tests[0].env
    let cancun = env.blockEnvironment(fork: .cancun)
    XCTAssertEqual(cancun.chainId, 1)
    XCTAssertEqual(cancun.prevRandao, env.random)
    XCTAssertEqual(cancun.baseFee, UInt256(10))
    XCTAssertEqual(cancun.blobBaseFee, UInt256(1))
    let berlin = env.blockEnvironment(fork: .berlin)
    XCTAssertEqual(berlin.difficulty, UInt256(0x20000))
    XCTAssertEqual(berlin.baseFee, .zero)

    env.previousHash = Bytes32(word: UInt256(0xabc))
    XCTAssertEqual(env.blockHashes, [0: Bytes32(word: UInt256(0xabc))])
    env.number = 257
    XCTAssertEqual(env.blockHashes, [:])
  }

  func testHandWrittenCasesPass() throws {
    let file = try loadHandWritten()
    let results = StateTestRunner.run(file.tests[0], file: file.path)
    XCTAssertEqual(results.count, 4)
    for result in results {
      XCTAssertEqual(result.status, .passed, "\(result.id): \(result.detail)")
    }
    XCTAssertEqual(results[1].id.description, "handWritten.json::handWritten::Shanghai::d0g1v0")
  }

  func testWrongExpectationsFailWithAReason() throws {
    var test = try loadHandWritten().tests[0]
    test.post[0].stateRoot = .zero
    test.post[2].logsHash = Keccak256.emptyListHash
    test.post[3].expectException = nil
    let results = StateTestRunner.run(test, file: "handWritten.json")
    XCTAssertEqual(results[0].status, .failed(reason: "state root mismatch"))
    XCTAssertEqual(results[1].status, .passed)
    XCTAssertEqual(results[2].status, .failed(reason: "logs hash mismatch"))
    guard case .failed(let reason) = results[3].status else {
      return XCTFail("an unexpected rejection must fail")
    }
    XCTAssertTrue(reason.hasPrefix("transaction rejected: intrinsic gas"), reason)
  }

  func testForkFilter() throws {
    let test = try loadHandWritten().tests[0]
    let results = StateTestRunner.run(test, file: "f.json") { $0.fork == .cancun }
    XCTAssertEqual(results.map(\.id.fork), ["Cancun", "Cancun"])
  }

  func testEmptyLogsHash() {
    XCTAssertEqual(StateTestRunner.logsHash([]), Keccak256.emptyListHash)
  }

  func testErrorsNameTheFileAndTheField() throws {
    let text = try String(
      contentsOf: ownFixtures.appendingPathComponent("handWritten.json"), encoding: .utf8)

    let missing = text.replacingOccurrences(of: "\"currentCoinbase\"", with: "\"somethingElse\"")
    XCTAssertThrowsError(try StateTestFile.parse(Data(missing.utf8), path: "x/y.json")) { error in
      let error = error as? StateTestError
      XCTAssertEqual(error?.file, "x/y.json")
      XCTAssertEqual(error?.field, "handWritten.env.currentCoinbase")
      XCTAssertEqual(error?.message, "missing")
    }

    let badBalance = text.replacingOccurrences(of: "\"0x3635c9adc5dea00000\"", with: "\"0xzz\"")
    XCTAssertThrowsError(try StateTestFile.parse(Data(badBalance.utf8), path: "b.json")) { error in
      XCTAssertEqual(
        (error as? StateTestError)?.field,
        "handWritten.pre.0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b.balance")
    }

    XCTAssertThrowsError(try StateTestFile.parse(Data("{\"a\": ".utf8), path: "broken.json")) {
      error in
      let description = "\(error)"
      XCTAssertTrue(description.hasPrefix("broken.json: invalid JSON"), description)
    }
  }

  func testSourcesNameFilesBelowTheSuiteRoot() throws {
    let sources = try StateTestSuite.sources([ownFixtures.path])
    XCTAssertEqual(sources.map(\.relativePath), ["handWritten.json"])
    XCTAssertThrowsError(try StateTestSuite.sources(["/nonexistent/path"]))
  }
}
