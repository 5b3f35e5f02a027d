import Foundation

/// Speedups that another system published per mainnet block, read from a
/// Markdown table (`../shared/anchors/pevm-benchmarks.md`: RISE pevm, 8–12
/// worker threads): rows whose first cell is a block number and whose last
/// cell is the speedup (decorations such as emoji and bold markers are
/// ignored). The report puts them next to this machine's figures.
struct PublishedFigures {
  /// Speedup by block number.
  var speedups: [UInt64: Double] = [:]
  /// Where the figures came from.
  var source: String

  /// Reads `path`; `nil` when the file is absent or holds no such rows.
  init?(path: String) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    source = path
    for line in text.split(separator: "\n") where line.hasPrefix("|") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 3, let number = UInt64(cells[0]) else { continue }
      let digits = cells[cells.count - 1].filter { $0.isNumber || $0 == "." }
      if let speedup = Double(digits) { speedups[number] = speedup }
    }
    if speedups.isEmpty { return nil }
  }

  /// The default location: `$PEVM_SHARED/anchors/pevm-benchmarks.md`, else
  /// `../shared/anchors/pevm-benchmarks.md`.
  static var defaultPath: String {
    let shared = ProcessInfo.processInfo.environment["PEVM_SHARED"] ?? "../shared"
    return shared + "/anchors/pevm-benchmarks.md"
  }
}
