import ArgumentParser
import BlockSTM
import Dispatch
import EVMPrimitives
import Execution
import Fixtures
import Foundation
import WorldState

/// `pevm bench`: sequential against Block-STM execution per block, with the
/// ideal speedup the block's true dependencies allow.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Benchmark sequential against parallel execution, block by block.")

  @Argument(help: "Fixture files or directories (searched recursively for .json).")
  var paths: [String]

  @Option(
    help:
      "Worker counts, comma-separated: 2 runs the speculative pipeline, 3 or more Block-STM (1 is the sequential baseline)."
  )
  var workers: String = "2"

  @Option(help: "Timed runs per block and configuration; medians are reported.")
  var runs: Int = 5

  @Option(
    help: ArgumentHelp(
      "Keep only rounds during which the machine gave this much parallelism (0: keep all).",
      discussion:
        "A shared machine may give one core instead of two for a while. With a value such as 1.8, a short CPU-bound probe runs before and after each round (one sequential and one parallel run of a block); a round where either probe reads less is measured again, up to ten times the runs. Each row says how many rounds were kept of how many tried."
    ))
  var minParallelism: Double = 0

  @Flag(help: "A Markdown table.")
  var markdown = false

  @Flag(help: "One JSON object per block and worker count per line.")
  var json = false

  @Option(
    help:
      "Published per-block speedups to compare with (a Markdown table; default $PEVM_SHARED/anchors/pevm-benchmarks.md)."
  )
  var anchors: String? = nil

  static let idealThreads = [2, 4, 8, 16, 32]

  /// The published speedup for a mainnet row's block, as text.
  func publishedText(_ row: Row, _ published: PublishedFigures?) -> String {
    guard row.isMainnet, let value = published?.speedups[row.number] else { return "" }
    return fmt(value, 2) + "x"
  }

  struct Row {
    var name: String
    var number: UInt64
    var isMainnet: Bool
    var gas: UInt64
    var txs: Int
    var workers: Int
    var sequentialMs: Double
    var parallelMs: Double
    var statistics: ParallelStatistics
    var matches: Bool
    var ideal: [Int: Double]
    /// Rounds kept and tried (`--min-parallelism`).
    var rounds: (kept: Int, tried: Int)
    var speedup: Double { sequentialMs / max(parallelMs, 1e-9) }
  }

  func run() throws {
    let counts = try workers.split(separator: ",").map { part -> Int in
      guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 1 else {
        throw ValidationError(
          "--workers takes positive integers separated by commas, got \"\(workers)\"")
      }
      return n
    }.filter { $0 > 1 || ProcessInfo.processInfo.environment["PEVM_STM_FORCE"] != nil }
    guard !counts.isEmpty else {
      throw ValidationError("--workers needs a count above 1 to compare")
    }
    let files = try FixturePaths.expand(paths)
    var rows: [Row] = []
    // Shared machines do not always give every core: say how much
    // parallelism there is right now, so the speedups can be read against it.
    let maxWorkers = counts.max() ?? 2
    let capacity = Self.measuredParallelism(
      threads: min(maxWorkers, ProcessInfo.processInfo.activeProcessorCount))
    let capacityLine =
      "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; a CPU-bound loop on \(min(maxWorkers, ProcessInfo.processInfo.activeProcessorCount)) threads does \(fmt(capacity, 2))x the work of 1 right now"
    if json {
      print(JSONLine.object(["machineParallelism": .double(capacity)]))
    } else {
      print(markdown ? "_\(capacityLine)_\n" : capacityLine)
    }
    let published = PublishedFigures(path: anchors ?? PublishedFigures.defaultPath)
    if markdown {
      print(
        "| block | gas | txs | workers | seq ms | par ms | speedup | Mgas/s (par) | re-exec | aborts | ideal 2/4/8/16/32 | RISE pevm (8–12 threads) | equal |"
      )
      print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|")
    } else if !json {
      print(
        pad("block", 24) + lpad("gas", 11) + lpad("txs", 6) + lpad("w", 4) + lpad("seq ms", 9)
          + lpad("par ms", 9)
          + lpad("speedup", 9) + lpad("Mgas/s", 8) + lpad("tx/s", 8) + lpad("exec", 7)
          + lpad("reexec", 7)
          + lpad("aborts", 7) + lpad("valid", 7) + "  ideal 2/4/8/16/32")
    }
    var failed = false
    for file in files {
      let fixture: BlockFixture
      do {
        fixture = try BlockFixture.load(URL(fileURLWithPath: file))
      } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        failed = true
        continue
      }
      // Sequential baseline.
      var sequentialState = fixture.pre
      let sequential: BlockResult
      do {
        sequential = try BlockExecutor.execute(fixture.block, state: &sequentialState)
      } catch {
        FileHandle.standardError.write(
          Data("error: \(fixture.name): block rejected: \(error)\n".utf8))
        failed = true
        continue
      }
      // Sequential and parallel runs alternate, so that the machine's noise
      // falls on both alike; each is the median of its runs.
      // Configuration 0 is the sequential executor; a worker count of 1 is
      // ParallelExecutor on one worker (sequential too, unless
      // PEVM_STM_FORCE=1 makes it Block-STM on one thread).
      let probeThreads = min(counts.max() ?? 2, ProcessInfo.processInfo.activeProcessorCount)
      let gate: (() -> Bool)? =
        minParallelism > 0
        ? { Self.measuredParallelism(threads: probeThreads, rounds: 3_000_000) >= minParallelism }
        : nil
      let (timings, rounds) = Self.interleavedMedians(
        runs, configurations: [0] + counts, gate: gate
      ) { workers in
        var state = fixture.pre
        if workers == 0 {
          _ = try? BlockExecutor.execute(fixture.block, state: &state)
        } else {
          _ = try? ParallelExecutor.execute(fixture.block, state: &state, workers: workers)
        }
      }
      let sequentialMs = timings[0]!
      var ideal: [Int: Double] = [:]
      if let profiles = try? CriticalPath.profile(fixture.block, state: fixture.pre) {
        let (work, span) = CriticalPath.workAndSpan(profiles)
        for t in Self.idealThreads {
          ideal[t] = CriticalPath.idealSpeedup(work: work, span: span, threads: t)
        }
      }
      for count in counts {
        var statistics = ParallelStatistics()
        var matches = true
        var state = fixture.pre
        do {
          let (parallel, stats) = try ParallelExecutor.execute(
            fixture.block, state: &state, workers: count)
          statistics = stats
          matches =
            parallel.receiptsRoot == sequential.receiptsRoot
            && parallel.gasUsed == sequential.gasUsed
            && parallel.logsBloom == sequential.logsBloom
            && state.firstDifference(from: sequentialState) == nil
        } catch {
          matches = false
        }
        if !matches { failed = true }
        let parallelMs = timings[count]!
        let row = Row(
          name: fixture.name, number: fixture.block.environment.number,
          isMainnet: fixture.name.hasPrefix("mainnet-"),
          gas: sequential.gasUsed, txs: fixture.block.transactions.count,
          workers: count,
          sequentialMs: sequentialMs, parallelMs: parallelMs, statistics: statistics,
          matches: matches, ideal: ideal, rounds: rounds)
        rows.append(row)
        print(render(row, published: published))
      }
    }
    printSummary(rows)
    if failed { throw ExitCode(1) }
  }

  func render(_ row: Row, published: PublishedFigures? = nil) -> String {
    let idealText = Self.idealThreads.map { fmt(row.ideal[$0] ?? 0, 2) }.joined(separator: "/")
    let mgas = Double(row.gas) / 1e3 / max(row.parallelMs, 1e-9)
    let txps = Double(row.txs) * 1e3 / max(row.parallelMs, 1e-9)
    let s = row.statistics
    let mode =
      s.sequentialReason.map { " (sequential: \($0))" }
      ?? (s.pipelined ? " (pipeline: \(s.speculationsAccepted) speculations applied)" : "")
    if json {
      var idealFields: [String] = []
      for t in Self.idealThreads { idealFields.append("\"\(t)\":\(fmt(row.ideal[t] ?? 0, 3))") }
      return JSONLine.object([
        "name": .string(row.name), "workers": .int(row.workers), "gasUsed": .int(Int(row.gas)),
        "txs": .int(row.txs),
        "sequentialMs": .double(row.sequentialMs), "parallelMs": .double(row.parallelMs),
        "speedup": .double(row.speedup),
        "mgasPerSecond": .double(mgas), "txPerSecond": .double(txps),
        "executions": .int(s.executions),
        "reexecutions": .int(s.reexecutions), "aborts": .int(s.aborts),
        "validations": .int(s.validations),
        "matchesSequential": .bool(row.matches),
        "sequentialFallback": s.sequentialReason.map { .string($0) } ?? .null,
        "strategy": .string(s.pipelined ? "pipeline" : "block-stm"),
        "roundsKept": .int(row.rounds.kept), "roundsTried": .int(row.rounds.tried),
      ]).dropLast() + ",\"idealSpeedup\":{" + idealFields.joined(separator: ",") + "}}"
    }
    if markdown {
      return
        "| \(row.name) | \(row.gas) | \(row.txs) | \(row.workers) | \(fmt(row.sequentialMs)) | \(fmt(row.parallelMs)) | \(fmt(row.speedup))\(s.sequentialReason == nil ? "" : "*") | \(fmt(mgas, 0)) | \(s.reexecutions) | \(s.aborts) | \(idealText) | \(publishedText(row, published)) | \(row.matches ? "yes" : "NO") |"
    }
    return pad(row.name, 24) + lpad("\(row.gas)", 11) + lpad("\(row.txs)", 6)
      + lpad("\(row.workers)", 4)
      + lpad(fmt(row.sequentialMs), 9) + lpad(fmt(row.parallelMs), 9)
      + lpad(fmt(row.speedup) + "x", 9)
      + lpad(fmt(mgas, 0), 8) + lpad(fmt(txps, 0), 8) + lpad("\(s.executions)", 7)
      + lpad("\(s.reexecutions)", 7)
      + lpad("\(s.aborts)", 7) + lpad("\(s.validations)", 7) + "  " + idealText
      + (row.matches ? "" : "  MISMATCH")
      + mode
      + (minParallelism > 0
        ? " [rounds at ≥\(fmt(minParallelism, 2))x: \(row.rounds.kept) of \(row.rounds.tried)]"
        : "")
  }

  func printSummary(_ rows: [Row]) {
    for count in Set(rows.map(\.workers)).sorted() {
      let selected = rows.filter { $0.workers == count }
      let large = selected.filter { $0.gas >= 5_000_000 }
      func geomean(_ values: [Double]) -> Double {
        values.isEmpty
          ? 0 : exp(values.map { log(max($0, 1e-9)) }.reduce(0, +) / Double(values.count))
      }
      let seqTotal = selected.map(\.sequentialMs).reduce(0, +)
      let parTotal = selected.map(\.parallelMs).reduce(0, +)
      let idealText = Self.idealThreads.map { t in
        fmt(geomean(selected.compactMap { $0.ideal[t] }), 2)
      }
      .joined(separator: "/")
      let line =
        "summary workers=\(count): \(selected.count) blocks, geomean speedup \(fmt(geomean(selected.map(\.speedup))))x"
        + " (blocks ≥5M gas: \(fmt(geomean(large.map(\.speedup))))x over \(large.count), slowest \(fmt(large.map(\.speedup).min() ?? 0))x)"
        + "; total \(fmt(seqTotal)) ms sequential, \(fmt(parTotal)) ms parallel; ideal geomean 2/4/8/16/32: \(idealText)"
        + (minParallelism > 0
          ? "; rounds kept at ≥\(fmt(minParallelism, 2))x: \(selected.map(\.rounds.kept).reduce(0, +)) of \(selected.map(\.rounds.tried).reduce(0, +))"
          : "")
      if json {
        print(
          JSONLine.object([
            "summary": .bool(true), "workers": .int(count), "blocks": .int(selected.count),
            "geomeanSpeedup": .double(geomean(selected.map(\.speedup))),
            "geomeanSpeedupLarge": .double(geomean(large.map(\.speedup))),
            "sequentialMs": .double(seqTotal), "parallelMs": .double(parTotal),
            "roundsKept": .int(selected.map(\.rounds.kept).reduce(0, +)),
            "roundsTried": .int(selected.map(\.rounds.tried).reduce(0, +)),
          ]))
      } else {
        print(line)
      }
    }
  }

  /// How many times the work of one thread `threads` threads get done in the
  /// same time, measured with a CPU-bound loop (1.0: no parallelism now).
  static func measuredParallelism(threads: Int, rounds: Int = 30_000_000) -> Double {
    guard threads > 1 else { return 1 }
    @Sendable @inline(never) func spin(_ rounds: Int) -> UInt64 {
      var x: UInt64 = 1
      for _ in 0..<rounds { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
      return x
    }
    let clock = ContinuousClock()
    var sink: UInt64 = 0
    var start = clock.now
    sink ^= spin(rounds)
    let one = BlockReplay.seconds(clock.now - start)
    let sinks = Locked<UInt64>(0)
    start = clock.now
    WorkerPool.shared.run(threads) { _ in
      let value = spin(rounds)
      sinks.withLock { $0 ^= value }
    }
    let many = BlockReplay.seconds(clock.now - start)
    if sink ^ sinks.withLock({ $0 }) == 42 { print("") }  // keeps the loops
    return Double(threads) * one / max(many, 1e-9)
  }

  /// Median wall time in milliseconds of `body(configuration)` for each
  /// configuration, over `runs` rounds that each run every configuration once,
  /// and how many rounds were kept of how many tried. With a `gate`, a round
  /// is kept only when the gate holds before and after it; rounds are tried
  /// up to ten times `runs` (if none is kept, every round tried counts).
  static func interleavedMedians(
    _ runs: Int, configurations: [Int], gate: (() -> Bool)? = nil, _ body: (Int) -> Void
  ) -> ([Int: Double], (kept: Int, tried: Int)) {
    let clock = ContinuousClock()
    var kept: [Int: [Double]] = [:]
    var all: [Int: [Double]] = [:]
    let runs = max(1, runs)
    var tried = 0
    var keptRounds = 0
    while keptRounds < runs && tried < (gate == nil ? runs : 10 * runs) {
      tried += 1
      let before = gate?() ?? true
      var round: [Int: Double] = [:]
      for configuration in configurations {
        let start = clock.now
        body(configuration)
        round[configuration] = BlockReplay.seconds(clock.now - start) * 1000
      }
      let after = gate?() ?? true
      for (configuration, ms) in round { all[configuration, default: []].append(ms) }
      if before && after {
        keptRounds += 1
        for (configuration, ms) in round { kept[configuration, default: []].append(ms) }
      }
    }
    let samples = keptRounds > 0 ? kept : all
    return (
      samples.mapValues { values in values.sorted()[values.count / 2] }, (keptRounds, tried)
    )
  }
}
