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
    help:
      "Run each case as a one-transaction block through the parallel executor with N workers (0: sequential; 2: the speculative pipeline, or Block-STM with PEVM_BLOCK_STM=1; more: Block-STM)."
  )
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
    let known = try SuiteCommand.loadKnownFailures(knownFailures)
    let sources: [StateTestSource]
    do {
      sources = try StateTestSuite.sources(paths)
    } catch {
      throw ValidationError(error.description)
    }
    let filter = StateTestFilter(
      fork: fork.flatMap { Fork(name: $0) }, namePattern: namePattern,
      blockSTMWorkers: blockSTMWorkers)
    let console = Console<StateTestFileResult>(
      json: json, verbose: verbose, known: known, knownFailuresPath: knownFailures ?? "",
      progress: isatty(STDERR_FILENO) != 0, fileCount: sources.count)
    StateTestSuite.run(sources, filter: filter, workers: workers) { console.deliver($0) }
    let tally = console.finish()

    if let path = writeKnownFailures {
      try SuiteCommand.writeKnownFailures(
        tally.results, to: path,
        header: [
          "Known state-test failures: relative/path.json::test::Fork::dNgNvN  # reason",
          "Regenerate with `make known-failures` (pevm statetest SUITE --write-known-failures FILE).",
        ])
    }
    let clean = SuiteCommand.summarize(
      "statetest", tally: tally, known: known, knownFailuresPath: knownFailures ?? "",
      fileCount: sources.count, workers: workers, start: start, console: console)
    if !clean { throw ExitCode.failure }
  }
}
