import ArgumentParser
import EVMPrimitives
import Fixtures
import Foundation

/// `pevm blocktest`: runs Ethereum `BlockchainTests` files.
struct BlockTestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "blocktest",
    abstract: "Run Ethereum blockchain tests (BlockchainTests JSON files).",
    discussion: """
      Each test imports its blocks in order: every block is decoded from its \
      `rlp`, validated against its parent (header rules, then execution, then \
      the header's roots, bloom and gas) and executed on the parent's state. \
      Blocks with `expectException` must be rejected; the chain continues from \
      their parent. The head named by `lastblockhash` must have been imported \
      and its state must equal `postState` (or `postStateHash`).

      Test ids have the form relative/path.json::testName::Network, the path \
      being relative to the directory given (or to the nearest BlockchainTests* \
      folder), as the known-failures file lists them.

      Exit status: 0 when nothing failed (with --known-failures: when every failure \
      is listed and every listed test that ran still fails), 1 otherwise.
      """)

  @Argument(help: "Blockchain-test files or directories (searched recursively, sorted).")
  var paths: [String]

  @Option(help: "Run only tests of this fork's network (e.g. Cancun).")
  var fork: String?

  @Option(
    name: .customLong("run"), help: "Run only tests whose name matches this regular expression.")
  var namePattern: String?

  @Flag(
    help: "Print one JSON object per test on stdout (name, file, network, pass, head, error, …).")
  var json = false

  @Option(help: "A known-failures list: listed failures do not fail the run; listed passes do.")
  var knownFailures: String?

  @Option(help: "Write the failures of this run as a known-failures list to this file.")
  var writeKnownFailures: String?

  @Option(help: "Files run in parallel (default: the number of active processors).")
  var workers: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(
    help:
      "Threads per block: 1 runs the sequential executor, 2 the speculative pipeline, more Block-STM, on every block."
  )
  var blockWorkers: Int = 1

  @Flag(help: "Also print known failures and skipped tests.")
  var verbose = false

  func validate() throws {
    if let fork, Fork(name: fork) == nil { throw ValidationError("unknown fork \(fork)") }
    if workers < 1 { throw ValidationError("--workers must be at least 1") }
    if blockWorkers < 1 { throw ValidationError("--block-workers must be at least 1") }
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
    let known = try SuiteCommand.loadKnownFailures(knownFailures, minimumParts: 3)
    let sources: [StateTestSource]
    do {
      sources = try StateTestSuite.sources(paths, suitePrefix: "BlockchainTests")
    } catch {
      throw ValidationError(error.description)
    }
    let filter = StateTestFilter(fork: fork.flatMap { Fork(name: $0) }, namePattern: namePattern)
    let console = Console<BlockchainTestFileResult>(
      json: json, verbose: verbose, known: known, knownFailuresPath: knownFailures ?? "",
      progress: isatty(STDERR_FILENO) != 0, fileCount: sources.count)
    BlockchainTestRunner.run(
      sources, filter: filter, workers: workers, blockWorkers: blockWorkers
    ) { console.deliver($0) }
    let tally = console.finish()

    if let path = writeKnownFailures {
      try SuiteCommand.writeKnownFailures(
        tally.results, to: path,
        header: [
          "Known blockchain-test failures: relative/path.json::test::Network  # reason",
          "Regenerate with `make known-failures` (pevm blocktest SUITE --write-known-failures FILE).",
        ])
    }
    let clean = SuiteCommand.summarize(
      "blocktest", tally: tally, known: known, knownFailuresPath: knownFailures ?? "",
      fileCount: sources.count, workers: workers, start: start, console: console)
    if !clean { throw ExitCode.failure }
  }
}

extension BlockchainTestCaseResult: ConsoleCase {
  var jsonFields: [String: Any] {
    var object: [String: Any] = [
      "name": id.test, "file": id.file, "network": id.network, "imported": imported,
      "rejected": rejected,
    ]
    if let head { object["head"] = head.description }
    if !rejections.isEmpty { object["rejections"] = rejections }
    return object
  }
}

extension BlockchainTestFileResult: ConsoleFile {
  static func fileErrorFields(_ source: StateTestSource) -> [String: Any] {
    ["name": "", "file": source.relativePath, "network": ""]
  }
}
