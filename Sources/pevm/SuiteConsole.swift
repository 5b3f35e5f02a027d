import ArgumentParser
import EVMPrimitives
import Fixtures
import Foundation
import Synchronization

/// A case result the console can print as a JSON line.
protocol ConsoleCase: ConformanceCaseResult {
  /// The case's JSON fields, without `pass`, `skipped` and `error`.
  var jsonFields: [String: Any] { get }
}

/// A file result the console can print.
protocol ConsoleFile: ConformanceFileResult where Case: ConsoleCase {
  /// The JSON fields of the line reporting that `source` could not be read,
  /// without `pass`, `skipped` and `error`.
  static func fileErrorFields(_ source: StateTestSource) -> [String: Any]
}

extension StateTestCaseResult: ConsoleCase {
  var jsonFields: [String: Any] {
    var object: [String: Any] = [
      "name": id.test, "file": id.file, "fork": id.fork, "indexes": id.indexes.description,
    ]
    if let stateRoot { object["stateRoot"] = stateRoot.description }
    return object
  }
}

extension StateTestFileResult: ConsoleFile {
  static func fileErrorFields(_ source: StateTestSource) -> [String: Any] {
    ["name": "", "file": source.relativePath, "fork": "", "indexes": ""]
  }
}

/// The counts and results gathered while files finish.
struct Tally<Case: ConformanceCaseResult>: Sendable {
  var passed = 0
  var failed = 0
  var skipped = 0
  var fileErrors = 0
  var filesDone = 0
  var skipReasons: [String: Int] = [:]
  /// Every case result, in file order.
  var results: [Case] = []
}

/// Prints results as they arrive (in file order) and keeps the tally.
final class Console<File: ConsoleFile>: Sendable {
  let json: Bool
  let verbose: Bool
  let known: KnownFailures?
  let knownFailuresPath: String
  let progress: Bool
  let fileCount: Int
  private let tally = Mutex(Tally<File.Case>())

  init(
    json: Bool, verbose: Bool, known: KnownFailures?, knownFailuresPath: String, progress: Bool,
    fileCount: Int
  ) {
    self.json = json
    self.verbose = verbose
    self.known = known
    self.knownFailuresPath = knownFailuresPath
    self.progress = progress
    self.fileCount = fileCount
  }

  /// Called serially, in file order.
  func deliver(_ file: File) {
    var out = ""
    var err = ""
    let humanToStderr = json
    func human(_ line: String) {
      if humanToStderr { err += line + "\n" } else { out += line + "\n" }
    }
    let snapshot = tally.withLock { tally -> Tally<File.Case> in
      tally.filesDone += 1
      if let error = file.error {
        tally.fileErrors += 1
        human("ERROR \(error)")
        if json {
          out += jsonLine(
            File.fileErrorFields(file.source), pass: false, skipped: false,
            error: error.description)
        }
      }
      for result in file.cases {
        tally.results.append(result)
        var skipped = false
        var error: String?
        switch result.status {
        case .passed:
          tally.passed += 1
          if known?.contains(result.id) == true {
            human("ERROR \(result.id): listed in \(knownFailuresPath) but passes, remove it")
          }
        case .failed(let reason):
          tally.failed += 1
          error = result.detail.isEmpty ? reason : "\(reason): \(result.detail)"
          let line = "\(result.id): \(reason)\(result.detail.isEmpty ? "" : " — \(result.detail)")"
          if known?.contains(result.id) == true {
            if verbose { human("KNOWN \(line)") }
          } else {
            human("FAIL \(line)")
          }
        case .skipped(let reason):
          tally.skipped += 1
          skipped = true
          error = result.detail.isEmpty ? reason : "\(reason): \(result.detail)"
          tally.skipReasons[reason, default: 0] += 1
          if verbose {
            human(
              "SKIP \(result.id): \(reason)\(result.detail.isEmpty ? "" : " — \(result.detail)")")
          }
        }
        if json {
          out += jsonLine(
            result.jsonFields, pass: result.status == .passed, skipped: skipped, error: error)
        }
      }
      return tally
    }
    if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    if !out.isEmpty { FileHandle.standardOutput.write(Data(out.utf8)) }
    if !err.isEmpty { FileHandle.standardError.write(Data(err.utf8)) }
    if progress {
      let line =
        "[\(snapshot.filesDone)/\(fileCount) files] \(snapshot.passed) passed, \(snapshot.failed + snapshot.fileErrors) failed, \(snapshot.skipped) skipped"
      FileHandle.standardError.write(Data(line.utf8))
    }
  }

  /// Clears the progress line and returns the final tally.
  func finish() -> Tally<File.Case> {
    if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    return tally.withLock { $0 }
  }

  func write(_ text: String, toStderr: Bool) {
    let data = Data((text + "\n").utf8)
    if toStderr {
      FileHandle.standardError.write(data)
    } else {
      FileHandle.standardOutput.write(data)
    }
  }

  private func jsonLine(_ fields: [String: Any], pass: Bool, skipped: Bool, error: String?)
    -> String
  {
    var object = fields
    object["pass"] = pass
    object["skipped"] = skipped
    if let error { object["error"] = error }
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else {
      return "{}\n"
    }
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}

/// What `statetest` and `blocktest` share around the console: the
/// known-failures files and the summary.
enum SuiteCommand {
  /// Reads and parses the known-failures list at `path`, when given.
  static func loadKnownFailures(_ path: String?, minimumParts: Int = 4) throws -> KnownFailures? {
    guard let path else { return nil }
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
    do {
      return try KnownFailures(parsing: text, minimumParts: minimumParts)
    } catch {
      throw ValidationError("\(path): \(error)")
    }
  }

  /// Writes the failures of `results` as a known-failures list.
  static func writeKnownFailures<Case: ConformanceCaseResult>(
    _ results: [Case], to path: String, header: [String]
  ) throws {
    let text = KnownFailures.render(results, header: header)
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw ValidationError("cannot write \(path): \(error.localizedDescription)")
    }
  }

  /// Prints the summary (`name: N passed, N failed (K known), N skipped`, the
  /// skip reasons, the wall time; on stderr in JSON mode) and returns whether
  /// the run is clean: nothing failed, or with a known-failures list every
  /// failure is listed, every listed case that ran still fails and every file
  /// was read.
  static func summarize<File: ConsoleFile>(
    _ name: String, tally: Tally<File.Case>, known: KnownFailures?, knownFailuresPath: String,
    fileCount: Int, workers: Int, start: ContinuousClock.Instant, console: Console<File>
  ) -> Bool {
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var lines: [String] = []
    let failed = tally.failed + tally.fileErrors
    if let known {
      let report = known.classify(tally.results)
      lines.append(
        "\(name): \(tally.passed) passed, \(failed) failed (\(report.known.count) known), \(tally.skipped) skipped"
      )
      lines.append("  \(report.known.count) known failures")
      if !report.unexpected.isEmpty {
        lines.append("  \(report.unexpected.count) failures not in \(knownFailuresPath)")
      }
      if !report.listedButPassing.isEmpty {
        lines.append("  \(report.listedButPassing.count) listed but passing (remove them)")
      }
    } else {
      lines.append("\(name): \(tally.passed) passed, \(failed) failed, \(tally.skipped) skipped")
    }
    for (reason, count) in tally.skipReasons.sorted(by: {
      $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
    }) {
      lines.append("  skipped \(count): \(reason)")
    }
    if tally.fileErrors > 0 { lines.append("  \(tally.fileErrors) files could not be read") }
    lines.append(
      "  \(fileCount) files, \(String(format: "%.1f", seconds)) s wall time, \(workers) workers")
    console.write(lines.joined(separator: "\n"), toStderr: console.json)

    if let known {
      return known.classify(tally.results).isClean && tally.fileErrors == 0
    }
    return failed == 0
  }
}
