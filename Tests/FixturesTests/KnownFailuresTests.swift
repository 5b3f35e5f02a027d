import Fixtures
import XCTest

final class KnownFailuresTests: XCTestCase {
  func id(_ test: String, _ d: Int = 0) -> StateTestCaseID {
    StateTestCaseID(
      file: "stX/\(test).json", test: test, fork: "Cancun",
      indexes: StateTestIndexes(data: d, gas: 0, value: 0))
  }

  let list = """
    # header comment

    stX/a.json::a::Cancun::d0g0v0  # state root mismatch
    stX/b.json::b::Cancun::d0g0v0
    stX/c.json::c::Cancun::d0g0v0\t# listed, will be skipped
    """

  func testParsing() throws {
    let known = try KnownFailures(parsing: list)
    XCTAssertEqual(known.entries.count, 3)
    XCTAssertEqual(known.entries["stX/a.json::a::Cancun::d0g0v0"], "state root mismatch")
    XCTAssertEqual(known.entries["stX/b.json::b::Cancun::d0g0v0"], "")
    XCTAssertTrue(known.contains(id("c")))
    XCTAssertFalse(known.contains(id("a", 1)))

    // Pyspecs test names contain `::`.
    let pyspec = StateTestCaseID(
      file: "Pyspecs/x.json", test: "src/t.py::test_x[fork_Cancun]", fork: "Cancun",
      indexes: StateTestIndexes(data: 0, gas: 0, value: 0))
    let withColons = try KnownFailures(parsing: "\(pyspec)  # state root mismatch")
    XCTAssertTrue(withColons.contains(pyspec))
  }

  func testMalformedAndDuplicateLinesAreRejected() {
    XCTAssertThrowsError(try KnownFailures(parsing: "a.json::a::Cancun  # three parts")) { error in
      XCTAssertEqual((error as? KnownFailures.ParseError)?.line, 1)
    }
    XCTAssertThrowsError(
      try KnownFailures(
        parsing: "# c\na.json::a::Cancun::d0g0v0\na.json::a::Cancun::d0g0v0 # again")
    ) { error in
      XCTAssertEqual((error as? KnownFailures.ParseError)?.line, 3)
    }
  }

  func testClassification() throws {
    let known = try KnownFailures(parsing: list)
    let results = [
      StateTestCaseResult(id: id("a"), status: .failed(reason: "state root mismatch")),  // listed, failing
      StateTestCaseResult(id: id("b"), status: .passed),  // listed, passing
      StateTestCaseResult(id: id("c"), status: .skipped(reason: "pending precompile")),  // listed, skipped
      StateTestCaseResult(id: id("d"), status: .failed(reason: "logs hash mismatch")),  // new failure
      StateTestCaseResult(id: id("e"), status: .passed),  // not listed, passing
    ]
    let report = known.classify(results)
    XCTAssertEqual(report.known.map(\.id), [id("a")])
    XCTAssertEqual(report.listedButPassing, [id("b")])
    XCTAssertEqual(report.unexpected.map(\.id), [id("d")])
    XCTAssertFalse(report.isClean)

    // Only listed failures: clean.
    XCTAssertTrue(known.classify([results[0], results[2], results[4]]).isClean)
    // A new failure alone: not clean.
    XCTAssertFalse(known.classify([results[3]]).isClean)
    // A listed case that passes alone: not clean.
    XCTAssertFalse(known.classify([results[1]]).isClean)
  }

  func testRenderRoundTrips() throws {
    let results = [
      StateTestCaseResult(id: id("a"), status: .failed(reason: "state root mismatch")),
      StateTestCaseResult(id: id("b"), status: .passed),
      StateTestCaseResult(id: id("d", 2), status: .failed(reason: "transaction rejected: x")),
    ]
    let text = KnownFailures.render(results, header: ["generated"])
    XCTAssertEqual(
      text,
      """
      # generated
      stX/a.json::a::Cancun::d0g0v0  # state root mismatch
      stX/d.json::d::Cancun::d2g0v0  # transaction rejected: x

      """)
    let parsed = try KnownFailures(parsing: text)
    XCTAssertTrue(parsed.classify(results).isClean)
    XCTAssertEqual(parsed.entries["stX/d.json::d::Cancun::d2g0v0"], "transaction rejected: x")
  }
}
