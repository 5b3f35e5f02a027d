import Foundation

/// Where the read-only shared material lives: `$PEVM_SHARED`, else `../shared`
/// beside the package root.
public enum SharedFixtures {
  public static var root: URL {
    if let env = ProcessInfo.processInfo.environment["PEVM_SHARED"], !env.isEmpty {
      return URL(fileURLWithPath: env)
    }
    // Tests/TestSupport/SharedFixtures.swift → package root → ../shared
    let packageRoot = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
  }

  /// `root/relative`.
  public static func path(_ relative: String) -> URL { root.appendingPathComponent(relative) }

  /// Every `.json` file below `directory`, sorted, recursively.
  public static func jsonFiles(under directory: URL) -> [URL] {
    guard
      let enumerator = FileManager.default.enumerator(
        at: directory, includingPropertiesForKeys: nil)
    else { return [] }
    var files: [URL] = []
    for case let url as URL in enumerator where url.pathExtension == "json" {
      files.append(url)
    }
    return files.sorted { $0.path < $1.path }
  }

  /// Parses a JSON file into Foundation objects.
  public static func loadJSON(_ url: URL) throws -> Any {
    let data = try Data(contentsOf: url)
    return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
  }
}

/// Prints a suite's counts in one line that CI logs keep: `suite: N passed, N failed`.
public func reportSuite(_ name: String, passed: Int, failed: Int, skipped: Int = 0) {
  var line = "[suite] \(name): \(passed) passed, \(failed) failed"
  if skipped > 0 { line += ", \(skipped) skipped" }
  print(line)
}
