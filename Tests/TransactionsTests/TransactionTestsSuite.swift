import EVMPrimitives
import Foundation
import TestSupport
import Testing
import Transactions

/// Runs every case of ethereum/tests `TransactionTests` for every fork it lists.
@Suite struct TransactionTestsSuite {
  struct Outcome {
    var passed = 0
    var validPassed = 0
    var failed: [String] = []
    var skipped: [String] = []
  }

  /// One (test, fork) case: decode, recover the sender, validate; compare.
  static func run(
    name: String, txbytes: [UInt8], fork: Fork, expected: [String: Any]
  ) -> String? {
    let expectedException = expected["exception"] as? String
    let result: Result<(Transaction, Address, IntrinsicGas), any Error>
    do {
      let tx = try Transaction.decode(txbytes)
      let sender = try tx.recoverSender(fork: fork)
      let gas = try tx.validate(fork: fork)
      result = .success((tx, sender, gas))
    } catch {
      result = .failure(error)
    }
    switch (result, expectedException) {
    case (.failure, .some):
      return nil
    case (.success(let (tx, sender, _)), .some(let exception)):
      return
        "\(name) [\(fork)]: expected \(exception), but accepted (sender \(sender), hash \(tx.hash))"
    case (.failure(let error), .none):
      return "\(name) [\(fork)]: expected valid, got error: \(error)"
    case (.success(let (tx, sender, gas)), .none):
      var problems: [String] = []
      if let hash = expected["hash"] as? String, Bytes32(hex: hash) != tx.hash {
        problems.append("hash \(tx.hash) != \(hash)")
      }
      if let expectedSender = expected["sender"] as? String,
        Address(hex: expectedSender) != sender
      {
        problems.append("sender \(sender) != \(expectedSender)")
      }
      if let intrinsic = expected["intrinsicGas"] as? String,
        UInt256(hexOrDecimal: intrinsic) != UInt256(gas.cost)
      {
        problems.append("intrinsic gas \(gas.cost) != \(intrinsic)")
      }
      if tx.encoded() != txbytes { problems.append("re-encoding differs from the input") }
      return problems.isEmpty ? nil : "\(name) [\(fork)]: " + problems.joined(separator: "; ")
    }
  }

  @Test func allTransactionTests() throws {
    let directory = SharedFixtures.path("ethereum-tests/TransactionTests")
    let files = SharedFixtures.jsonFiles(under: directory)
    try #require(!files.isEmpty, "no TransactionTests under \(directory.path)")
    var outcome = Outcome()
    for file in files {
      let json = try #require(try SharedFixtures.loadJSON(file) as? [String: Any])
      for (name, value) in json.sorted(by: { $0.key < $1.key }) {
        let label = "\(file.deletingLastPathComponent().lastPathComponent)/\(name)"
        guard let test = value as? [String: Any],
          let hex = test["txbytes"] as? String,
          let results = test["result"] as? [String: Any]
        else {
          outcome.failed.append("\(label): unreadable test")
          continue
        }
        guard let txbytes = Hex.decode(hex) else {
          // Not even hex: nothing can decode it, which is what every fork expects.
          outcome.failed.append("\(label): txbytes is not hex")
          continue
        }
        for (forkName, expectedValue) in results.sorted(by: { $0.key < $1.key }) {
          guard let fork = Fork(name: forkName) else {
            outcome.skipped.append("\(label) [\(forkName)]: fork not modelled")
            continue
          }
          guard let expected = expectedValue as? [String: Any] else {
            outcome.failed.append("\(label) [\(forkName)]: unreadable result")
            continue
          }
          if let failure = Self.run(name: label, txbytes: txbytes, fork: fork, expected: expected) {
            outcome.failed.append(failure)
          } else {
            outcome.passed += 1
            if expected["exception"] == nil { outcome.validPassed += 1 }
          }
        }
      }
    }
    for line in outcome.failed { print("FAIL \(line)") }
    for line in outcome.skipped { print("SKIP \(line)") }
    reportSuite(
      "TransactionTests", passed: outcome.passed, failed: outcome.failed.count,
      skipped: outcome.skipped.count)
    print(
      "TransactionTests: \(outcome.validPassed) valid cases matched hash, sender and intrinsic gas; "
        + "\(outcome.passed - outcome.validPassed) invalid cases rejected")
    #expect(outcome.passed > 2_000)
    #expect(outcome.validPassed > 0)
    #expect(
      outcome.failed.isEmpty,
      "\(outcome.failed.count) failures, first: \(outcome.failed.first ?? "")")
  }
}
