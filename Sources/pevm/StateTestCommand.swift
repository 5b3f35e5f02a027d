import ArgumentParser
import EVMPrimitives
import Fixtures
import Foundation
import Synchronization

/// `pevm statetest`: runs Ethereum `GeneralStateTests` files through the EVM.
struct StateTestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "statetest",
    abstract: "Run Ethereum state tests (GeneralStateTests JSON files).",
    discussion: """
      Every (fork, data, gas, value) case of every file runs independently: the \
      transaction from `txbytes` is executed on `pre` and the state root and logs \
      hash are compared with `hash` and `logs`. Cases that fail after calling a \
      precompile whose cryptography is pending are skipped, not passed.

      Case ids have the form relative/path.json::testName::Fork::d0g0v0, the path \
      being relative to the directory given (or to the nearest GeneralStateTests* \
      folder), as the known-failures files list them.

      Exit status: 0 when nothing failed (with --known-failures: when every failure \
      is listed and every listed case that ran still fails), 1 otherwise.
      """)

  @Argument(help: "State-test files or directories (searched recursively, sorted).")
  var paths: [String]

  @Option(help: "Run only this fork's cases (e.g. Cancun, Prague).")
  var fork: String?

  @Option(
    name: .customLong("run"), help: "Run only tests whose name matches this regular expression.")
  var namePattern: String?

  @Flag(help: "Print one JSON object per case on stdout (name, fork, pass, stateRoot, error, …).")
  var json = false

  @Option(help: "A known-failures list: listed failures do not fail the run; listed passes do.")
  var knownFailures: String?

  @Option(help: "Write the failures of this run as a known-failures list to this file.")
  var writeKnownFailures: String?

  @Option(help: "Files run in parallel (default: the number of active processors).")
  var workers: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(
    name: .customLong("block-stm"),
    help: "Run each case as a one-transaction block through Block-STM with N workers (0: sequential).")
  var blockSTMWorkers: Int = 0

  @Flag(help: "Also print known failures and skipped cases.")
  var verbose = false

  func validate() throws {
    if let fork, Fork(name: fork) == nil { throw ValidationError("unknown fork \(fork)") }
    if workers < 1 { throw ValidationError("--workers must be at least 1") }
    if let namePattern {
      do {
        _ = try Regex(namePattern)
      } catch {
        throw ValidationError("--run: invalid regular expression: \(error)")
      }
    }
  }

  func run() throws {
    let start = ContinuousClock.now
    var known: KnownFailures?
    if let path = knownFailures {
      let text: String
      do {
        text = try String(contentsOfFile: path, encoding: .utf8)
      } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
      }
      do {
        known = try KnownFailures(parsing: text)
      } catch {
        throw ValidationError("\(path): \(error)")
      }
    }
    let sources: [StateTestSource]
    do {
      sources = try StateTestSuite.sources(paths)
    } catch {
      throw ValidationError(error.description)
    }
    let filter = StateTestFilter(
      fork: fork.flatMap { Fork(name: $0) }, namePattern: namePattern, blockSTMWorkers: blockSTMWorkers)
    let console = Console(
      json: json, verbose: verbose, known: known, knownFailuresPath: knownFailures ?? "",
      progress: isatty(STDERR_FILENO) != 0, fileCount: sources.count)
    StateTestSuite.run(sources, filter: filter, workers: workers) { console.deliver($0) }
    let tally = console.finish()

    if let path = writeKnownFailures {
      let header = [
        "Known state-test failures: relative/path.json::test::Fork::dNgNvN  # reason",
        "Regenerate with `make known-failures` (pevm statetest SUITE --write-known-failures FILE).",
      ]
      let text = KnownFailures.render(tally.results, header: header)
      do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
      } catch {
        throw ValidationError("cannot write \(path): \(error.localizedDescription)")
      }
    }

    // Summary (stderr in JSON mode so that stdout stays one object per line).
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var lines: [String] = []
    let failed = tally.failed + tally.fileErrors
    if let known {
      let report = known.classify(tally.results)
      lines.append(
        "statetest: \(tally.passed) passed, \(failed) failed (\(report.known.count) known), \(tally.skipped) skipped"
      )
      lines.append("  \(report.known.count) known failures")
      if !report.unexpected.isEmpty {
        lines.append("  \(report.unexpected.count) failures not in \(knownFailures ?? "")")
      }
      if !report.listedButPassing.isEmpty {
        lines.append("  \(report.listedButPassing.count) listed but passing (remove them)")
      }
    } else {
      lines.append("statetest: \(tally.passed) passed, \(failed) failed, \(tally.skipped) skipped")
    }
    for (reason, count) in tally.skipReasons.sorted(by: {
      $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
    }) {
      lines.append("  skipped \(count): \(reason)")
    }
    if tally.fileErrors > 0 { lines.append("  \(tally.fileErrors) files could not be read") }
    lines.append(
      "  \(sources.count) files, \(String(format: "%.1f", seconds)) s wall time, \(workers) workers"
    )
    console.write(lines.joined(separator: "\n"), toStderr: json)

    let clean: Bool
    if let known {
      clean = known.classify(tally.results).isClean && tally.fileErrors == 0
    } else {
      clean = failed == 0
    }
    if !clean { throw ExitCode.failure }
  }
}

/// The counts and results gathered while files finish.
struct Tally: Sendable {
  var passed = 0
  var failed = 0
  var skipped = 0
  var fileErrors = 0
  var filesDone = 0
  var skipReasons: [String: Int] = [:]
  /// Every case result, in file order.
  var results: [StateTestCaseResult] = []
}

/// Prints results as they arrive (in file order) and keeps the tally.
final class Console: Sendable {
  let json: Bool
  let verbose: Bool
  let known: KnownFailures?
  let knownFailuresPath: String
  let progress: Bool
  let fileCount: Int
  private let tally = Mutex(Tally())

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
  func deliver(_ file: StateTestFileResult) {
    var out = ""
    var err = ""
    let humanToStderr = json
    func human(_ line: String) {
      if humanToStderr { err += line + "\n" } else { out += line + "\n" }
    }
    let snapshot = tally.withLock { tally -> Tally in
      tally.filesDone += 1
      if let error = file.error {
        tally.fileErrors += 1
        human("ERROR \(error)")
        if json {
          out += jsonLine(
            name: "", file: file.source.relativePath, fork: "", indexes: "", pass: false,
            skipped: false, stateRoot: nil, error: error.description)
        }
      }
      for result in file.cases {
        tally.results.append(result)
        switch result.status {
        case .passed:
          tally.passed += 1
          if known?.contains(result.id) == true {
            human("ERROR \(result.id): listed in \(knownFailuresPath) but passes, remove it")
          }
        case .failed(let reason):
          tally.failed += 1
          let line = "\(result.id): \(reason)\(result.detail.isEmpty ? "" : " — \(result.detail)")"
          if known?.contains(result.id) == true {
            if verbose { human("KNOWN \(line)") }
          } else {
            human("FAIL \(line)")
          }
        case .skipped(let reason):
          tally.skipped += 1
          tally.skipReasons[reason, default: 0] += 1
          if verbose {
            human(
              "SKIP \(result.id): \(reason)\(result.detail.isEmpty ? "" : " — \(result.detail)")")
          }
        }
        if json {
          out += jsonLine(
            name: result.id.test, file: result.id.file, fork: result.id.fork,
            indexes: result.id.indexes.description, pass: result.passed,
            skipped: { if case .skipped = result.status { return true } else { return false } }(),
            stateRoot: result.stateRoot,
            error: result.reason.map { r in result.detail.isEmpty ? r : "\(r): \(result.detail)" })
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
  func finish() -> Tally {
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

  private func jsonLine(
    name: String, file: String, fork: String, indexes: String, pass: Bool, skipped: Bool,
    stateRoot: Bytes32?,
    error: String?
  ) -> String {
    var object: [String: Any] = [
      "name": name, "file": file, "fork": fork, "indexes": indexes, "pass": pass,
      "skipped": skipped,
    ]
    if let stateRoot { object["stateRoot"] = stateRoot.description }
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
