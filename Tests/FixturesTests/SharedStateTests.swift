import Fixtures
import Foundation
import Synchronization
import TestSupport
import XCTest

/// A few real `GeneralStateTests` files that the EVM passes, run end to end
/// (the whole suite runs through `make conformance`).
final class SharedStateTests: XCTestCase {
  static let files = [
    "stChainId/chainId.json",
    "VMTests/vmArithmeticTest/add.json",
    "stLogTests/log1_nonEmptyMem.json",
  ]

  func testSelectedFilesPass() throws {
    let root = SharedFixtures.path("ethereum-tests/GeneralStateTests")
    guard FileManager.default.fileExists(atPath: root.path) else {
      throw XCTSkip("shared suite not found at \(root.path)")
    }
    var total = 0
    for relative in Self.files {
      let source = StateTestSource(
        url: root.appendingPathComponent(relative), relativePath: relative)
      let result = StateTestSuite.run(source)
      XCTAssertNil(result.error, "\(relative): \(result.error.map { "\($0)" } ?? "")")
      XCTAssertFalse(result.cases.isEmpty, relative)
      for outcome in result.cases {
        XCTAssertEqual(outcome.status, .passed, "\(outcome.id): \(outcome.detail)")
      }
      total += result.cases.count
    }
    reportSuite("FixturesTests shared state tests", passed: total, failed: 0)
  }

  func testOrderedParallelDelivery() throws {
    let root = SharedFixtures.path("ethereum-tests/GeneralStateTests/VMTests/vmArithmeticTest")
    guard FileManager.default.fileExists(atPath: root.path) else {
      throw XCTSkip("shared suite not found at \(root.path)")
    }
    let sources = try StateTestSuite.sources([root.path])
    XCTAssertTrue(sources.allSatisfy { $0.relativePath.hasPrefix("VMTests/vmArithmeticTest/") })
    let delivered = DeliveryLog()
    StateTestSuite.run(sources, workers: 3) { delivered.append($0.source.relativePath) }
    XCTAssertEqual(delivered.paths, sources.map(\.relativePath))
  }
}

/// Collects delivered paths (delivery is serial; the mutex makes it `Sendable`).
final class DeliveryLog: Sendable {
  private let storage = Mutex<[String]>([])
  func append(_ path: String) { storage.withLock { $0.append(path) } }
  var paths: [String] { storage.withLock { $0 } }
}
