import EVMPrimitives
import Fixtures
import Foundation
import TestSupport
import XCTest

/// The committed synthetic blocks in `Fixtures/blocks` and the generator that
/// wrote them.
final class WorkloadFixturesTests: XCTestCase {
  /// `Fixtures/blocks` of this package.
  static let blocksDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/blocks")

  static func committedFiles() -> [URL] { SharedFixtures.jsonFiles(under: blocksDirectory) }

  func testEveryKindHasACommittedFixture() {
    let names = Set(Self.committedFiles().map { $0.deletingPathExtension().lastPathComponent })
    for kind in WorkloadKind.allCases {
      XCTAssertTrue(names.contains("\(kind)-30M"), "missing Fixtures/blocks/\(kind)-30M.json")
    }
  }

  /// Every committed fixture replays with the sequential executor and meets
  /// every expectation (gasUsed, receiptsRoot, logsBloom, stateRoot), and
  /// every transaction's signature recovers its `from`.
  func testCommittedFixturesReplay() throws {
    let files = Self.committedFiles()
    XCTAssertGreaterThanOrEqual(files.count, WorkloadKind.allCases.count)
    var passed = 0
    for file in files {
      let fixture = try BlockFixture.load(file)
      XCTAssertTrue(fixture.hasCompleteState, "\(fixture.name): no expected stateRoot")
      XCTAssertNotNil(fixture.expect.gasUsed)
      XCTAssertNotNil(fixture.expect.receiptsRoot)
      XCTAssertNotNil(fixture.expect.logsBloom)
      let report = BlockReplay.run(fixture)
      XCTAssertTrue(report.ok, "\(fixture.name): \(report.failures)")
      XCTAssertEqual(report.stateRoot, fixture.expect.stateRoot)
      XCTAssertGreaterThan(report.gasUsed, 29_900_000, "\(fixture.name) is not full")
      XCTAssertLessThanOrEqual(report.gasUsed, fixture.block.environment.gasLimit)
      for (index, item) in fixture.block.transactions.enumerated() {
        let sender = try item.transaction.recoverSender(fork: fixture.block.environment.fork)
        XCTAssertEqual(sender, item.sender, "\(fixture.name) transaction \(index)")
      }
      if report.ok { passed += 1 }
    }
    reportSuite(
      "FixturesTests committed synthetic blocks", passed: passed, failed: files.count - passed)
  }

  /// Regenerating a committed fixture with the command in its `generator`
  /// field gives the committed bytes (`make fixtures` rewrites them).
  func testCommittedFixturesAreReproducible() throws {
    for kind in WorkloadKind.allCases {
      let url = Self.blocksDirectory.appendingPathComponent("\(kind)-30M.json")
      let committed = try String(contentsOf: url, encoding: .utf8)
      let regenerated = try WorkloadGenerator.generate(
        WorkloadOptions(kind: kind, gas: 30_000_000, seed: 1))
      XCTAssertTrue(
        regenerated.fixtureJSON() == committed,
        "\(kind): regenerated fixture differs; run make fixtures")
    }
  }

  func testSameSeedSameBytesOtherSeedOtherBlock() throws {
    for kind in WorkloadKind.allCases {
      let options = WorkloadOptions(kind: kind, gas: 1_000_000, seed: 42)
      let a = try WorkloadGenerator.generate(options)
      let b = try WorkloadGenerator.generate(options)
      XCTAssertEqual(a.stateRoot, b.stateRoot, "\(kind)")
      XCTAssertTrue(a.fixtureJSON() == b.fixtureJSON(), "\(kind): same seed, different bytes")
      var other = options
      other.seed = 43
      let c = try WorkloadGenerator.generate(other)
      XCTAssertNotEqual(a.stateRoot, c.stateRoot, "\(kind): seed ignored")
      XCTAssertNotEqual(
        a.block.transactions.first?.transaction.hash, c.block.transactions.first?.transaction.hash)
    }
  }

  /// A generated fixture reads back through `BlockFixture.load` and replays.
  func testGeneratedFixtureRoundTrips() throws {
    for fork in WorkloadOptions.supportedForks {
      let workload = try WorkloadGenerator.generate(
        WorkloadOptions(kind: .mix, gas: 3_000_000, seed: 5, fork: fork, pools: 2))
      let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "pevm-workload-\(fork).json")
      try Data(workload.fixtureJSON().utf8).write(to: url)
      defer { try? FileManager.default.removeItem(at: url) }
      let fixture = try BlockFixture.load(url)
      XCTAssertEqual(fixture.block.environment.fork, fork)
      XCTAssertEqual(fixture.block.transactions.count, workload.block.transactions.count)
      XCTAssertEqual(fixture.pre.accounts.count, workload.pre.accounts.count)
      XCTAssertEqual(fixture.expect.stateRoot, workload.stateRoot)
      let report = BlockReplay.run(fixture)
      XCTAssertTrue(report.ok, "\(fork): \(report.failures)")
      XCTAssertEqual(fork >= .shanghai, fixture.block.withdrawals != nil)
    }
  }
}
