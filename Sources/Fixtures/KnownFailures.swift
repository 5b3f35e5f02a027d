import Foundation

/// A committed list of state-test cases that are known to fail, so CI fails
/// only on regressions (and on fixed cases still listed).
///
/// Format: one case id per line, `relative/path.json::testName::Fork::d0g0v0`,
/// optionally followed by `# reason`; blank lines and lines starting with `#`
/// are ignored.
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

  /// Parses the text of a known-failures file. An id must have at least four
  /// non-empty `::`-separated parts and may appear once.
  public init(parsing text: String) throws(ParseError) {
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
      guard parts.count >= 4, parts.allSatisfy({ !$0.isEmpty }) else {
        throw ParseError(
          line: number + 1, message: "expected file::test::fork::dNgNvN, found \"\(id)\"")
      }
      guard entries[id] == nil else {
        throw ParseError(line: number + 1, message: "\(id) is listed twice")
      }
      entries[id] = reason
    }
    self.entries = entries
  }

  /// True when `id` is listed.
  public func contains(_ id: StateTestCaseID) -> Bool { entries[id.description] != nil }

  /// Splits `results` into new failures, known failures and listed cases that
  /// now pass. Skipped cases and listed cases that did not run are neither.
  public func classify(_ results: [StateTestCaseResult]) -> KnownFailuresReport {
    var report = KnownFailuresReport()
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
  public static func render(_ results: [StateTestCaseResult], header: [String] = []) -> String {
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
public struct KnownFailuresReport: Sendable {
  /// Failed and not listed: regressions (CI fails).
  public var unexpected: [StateTestCaseResult] = []
  /// Failed and listed.
  public var known: [StateTestCaseResult] = []
  /// Listed but passed: the list must be updated (CI fails).
  public var listedButPassing: [StateTestCaseID] = []

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
