import ArgumentParser
import EVMPrimitives
import Fixtures
import Foundation

/// `pevm generate`: write a synthetic block fixture.
struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate a synthetic block fixture filled up to a gas target.",
    discussion: """
      KIND is one of: \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", ")).
      The fixture has a complete pre-state, signed transactions (keys derived from the seed) and \
      its expected gasUsed, receiptsRoot, logsBloom and stateRoot from the sequential executor. \
      The same arguments always give the same file.
      """)

  @Argument(help: "The workload pattern.")
  var kind: String

  @Option(help: "The block gas target: a number, or with a K, M or G suffix (30M, 1G).")
  var gas: String = "30M"

  @Option(
    help:
      "Where to write the fixture (default: KIND-GAS.json in the current directory; '-' for stdout)."
  )
  var output: String?

  @Option(help: "The seed of every random choice.")
  var seed: UInt64 = 1

  @Option(help: "The fork: London, Paris, Shanghai or Cancun.")
  var fork: String = "Cancun"

  @Option(
    help:
      "amm-many-pools and mix: cycle the spread swaps over this many pools (default: a new pool per swap)."
  )
  var pools: Int?

  func run() throws {
    guard let kind = WorkloadKind(rawValue: kind) else {
      throw ValidationError(
        "unknown kind \"\(kind)\"; expected one of \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    guard let gas = WorkloadOptions.parseGas(gas) else {
      throw ValidationError("bad gas \"\(gas)\"")
    }
    guard let fork = Fork(name: fork) else { throw ValidationError("unknown fork \"\(fork)\"") }
    let start = ContinuousClock.now
    let workload: GeneratedWorkload
    do {
      workload = try WorkloadGenerator.generate(
        WorkloadOptions(kind: kind, gas: gas, seed: seed, fork: fork, pools: pools))
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      throw ExitCode.failure
    }
    let text = workload.fixtureJSON()
    let path = output ?? "\(workload.name).json"
    if path == "-" {
      FileHandle.standardOutput.write(Data(text.utf8))
      return
    }
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
    let seconds = BlockReplay.seconds(ContinuousClock.now - start)
    let patterns = workload.counts.keys.sorted().map { "\($0) \(workload.counts[$0]!)" }.joined(
      separator: ", ")
    print(
      "\(path): \(workload.block.transactions.count) txs (\(patterns)), \(workload.senders) senders, "
        + "\(workload.reverted) reverted, gasUsed \(workload.result.gasUsed) of \(gas), "
        + "\(text.utf8.count / 1024) KiB, stateRoot \(workload.stateRoot), \(fmt(seconds)) s")
  }
}
