import Foundation

/// A case result a known-failures list can classify: a state-test case or a
/// blockchain test.
public protocol ConformanceCaseResult: Sendable {
  /// The case's id type; its description is the id a known-failures list uses.
  associatedtype ID: Hashable, Sendable, CustomStringConvertible
  /// Which case.
  var id: ID { get }
  /// Pass, fail or skip.
  var status: StateTestStatus { get }
  /// Expected versus actual values, for the failure line.
  var detail: String { get }
}

extension StateTestCaseResult: ConformanceCaseResult {}

/// A committed list of conformance cases that are known to fail, so CI fails
/// only on regressions (and on fixed cases still listed).
///
/// Format: one case id per line, `relative/path.json::testName::Fork::d0g0v0`
/// for state tests (`relative/path.json::testName::Network` for blockchain
/// tests), optionally followed by `# reason`; blank lines and lines starting
/// with `#` are ignored.
public struct KnownFailures: Sendable, Equatable {
  /// Case id → the reason comment (empty when none).
  public var entries: [String: String]

  /// A list with the given entries.
  public init(entries: [String: String] = [:]) {
    self.entries = entries
  }

  /// A malformed known-failures file.
  public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// What is wrong.
    public var message: String

    /// `line N: message`.
    public var description: String { "line \(line): \(message)" }
  }

  /// Parses the text of a known-failures file. An id must have at least
  /// `minimumParts` non-empty `::`-separated parts (four for state tests, three
  /// for blockchain tests) and may appear once.
  public init(parsing text: String, minimumParts: Int = 4) throws(ParseError) {
    var entries: [String: String] = [:]
    for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let line = rawLine.trimmingWhitespace()
      if line.isEmpty || line.hasPrefix("#") { continue }
      var id = line
      var reason = ""
      if let hash = line.range(of: " #") ?? line.range(of: "\t#") {
        id = String(line[..<hash.lowerBound]).trimmingWhitespace()
        reason = String(line[hash.upperBound...]).trimmingWhitespace()
      }
      // Test names may contain `::` themselves (the Pyspecs ones do): the
      // file is the first part, the fork and the indexes the last two.
      let parts = id.components(separatedBy: "::")
      guard parts.count >= minimumParts, parts.allSatisfy({ !$0.isEmpty }) else {
        let form = minimumParts >= 4 ? "file::test::fork::dNgNvN" : "file::test::network"
        throw ParseError(line: number + 1, message: "expected \(form), found \"\(id)\"")
      }
      guard entries[id] == nil else {
        throw ParseError(line: number + 1, message: "\(id) is listed twice")
      }
      entries[id] = reason
    }
    self.entries = entries
  }

  /// True when `id` is listed.
  public func contains(_ id: some CustomStringConvertible) -> Bool {
    entries[id.description] != nil
  }

  /// Splits `results` into new failures, known failures and listed cases that
  /// now pass. Skipped cases and listed cases that did not run are neither.
  public func classify<Result: ConformanceCaseResult>(_ results: [Result])
    -> KnownFailuresReport<Result>
  {
    var report = KnownFailuresReport<Result>()
    for result in results {
      let listed = contains(result.id)
      switch result.status {
      case .passed:
        if listed { report.listedButPassing.append(result.id) }
      case .failed:
        if listed { report.known.append(result) } else { report.unexpected.append(result) }
      case .skipped:
        break
      }
    }
    return report
  }

  /// The text of a known-failures file listing every failed case of
  /// `results`, in order, each with its failure reason as the comment.
  public static func render<Result: ConformanceCaseResult>(
    _ results: [Result], header: [String] = []
  ) -> String {
    var text = header.map { "# \($0)\n" }.joined()
    for result in results {
      guard case .failed(let reason) = result.status else { continue }
      let comment = reason.replacingOccurrences(of: "\n", with: " ")
      text += "\(result.id)  # \(comment)\n"
    }
    return text
  }
}

/// The outcome of checking results against a `KnownFailures` list.
public struct KnownFailuresReport<Result: ConformanceCaseResult>: Sendable {
  /// Failed and not listed: regressions (CI fails).
  public var unexpected: [Result] = []
  /// Failed and listed.
  public var known: [Result] = []
  /// Listed but passed: the list must be updated (CI fails).
  public var listedButPassing: [Result.ID] = []

  /// An empty report.
  public init() {}

  /// True when nothing calls for a non-zero exit.
  public var isClean: Bool { unexpected.isEmpty && listedButPassing.isEmpty }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and carriage returns.
  func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
    let last = lastIndex(where: { !isSpace($0) })!
    return String(self[first...last])
  }
}
