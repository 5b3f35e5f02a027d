import ArgumentParser
import EVMPrimitives
import Execution
import Fixtures
import Foundation

/// `pevm replay`: execute block fixtures and check their expectations.
struct ReplayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay",
    abstract: "Replay block fixtures: gas, roots, bloom and timing per block.")

  @Argument(help: "Fixture files or directories (searched recursively for .json).")
  var paths: [String]

  @Option(help: "Timed runs per block; the median is reported.")
  var runs: Int = 1

  @Option(
    help:
      "Worker threads: 1 runs the sequential executor, 2 the speculative pipeline, 3 or more Block-STM."
  )
  var workers: Int = 1

  @Flag(help: "With --workers above 1, also run sequentially and require identical results.")
  var check = false

  @Flag(help: "One JSON object per block per line.")
  var json = false

  @Flag(help: "Print every transaction's status and gas (the format of Tests/tools/spec-t8n.py).")
  var receipts = false

  func run() throws {
    let files = try FixturePaths.expand(paths)
    var failed = 0
    var pending: [String] = []
    var totalGas: UInt64 = 0
    var totalSeconds = 0.0
    var totalTransactions = 0
    if !json {
      print(
        "block                   fork               txs        gas    load ms    exec ms   Mgas/s     tx/s  result"
      )
    }
    for file in files {
      let loadStart = ContinuousClock.now
      let fixture: BlockFixture
      do {
        fixture = try BlockFixture.load(URL(fileURLWithPath: file))
      } catch {
        failed += 1
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        if json {
          print(
            JSONLine.object([
              "name": .string(file), "ok": .bool(false), "failures": .array([.string("\(error)")]),
            ]))
        }
        continue
      }
      let loadMs = BlockReplay.seconds(ContinuousClock.now - loadStart) * 1000
      let report = BlockReplay.run(fixture, runs: runs, workers: workers, check: check)
      // A block that fails only after calling a precompile whose cryptography
      // is pending is reported as skipped with that reason, never as passed.
      let isPending = !report.ok && report.calledPendingPrecompile
      if isPending {
        pending.append(report.name)
      } else if !report.ok {
        failed += 1
      }
      totalGas += report.gasUsed
      totalSeconds += report.executionSeconds
      totalTransactions += report.transactions
      let execMs = report.executionSeconds * 1000
      if json {
        print(
          JSONLine.object([
            "name": .string(report.name), "number": .int(Int(report.number)),
            "fork": .string(report.fork.description),
            "txs": .int(report.transactions), "gasUsed": .int(Int(report.gasUsed)),
            "stateRoot": report.stateRoot.map { .string($0.description) } ?? .null,
            "receiptsRoot": .string(report.receiptsRoot.description),
            "logsBloom": .string(report.logsBloom.hex),
            "ok": .bool(report.ok), "pending": .bool(isPending),
            "failures": .array(report.failures.map { .string($0) }),
            "loadMs": .double(loadMs), "execMs": .double(execMs),
            "stateRootMs": .double(report.stateRootSeconds * 1000),
          ]))
      } else {
        let txPerSecond = Double(report.transactions) / max(report.executionSeconds, 1e-9)
        print(
          pad(report.name, 23) + " " + pad(report.fork.description, 16)
            + lpad("\(report.transactions)", 6)
            + lpad("\(report.gasUsed)", 11) + lpad(fmt(loadMs), 11) + lpad(fmt(execMs), 11)
            + lpad(fmt(report.megagasPerSecond, 0), 9) + lpad(fmt(txPerSecond, 0), 9) + "  "
            + (report.ok
              ? "ok"
              : isPending ? "pending (needs a precompile from the cryptography issue)" : "FAIL"))
        if let stats = report.statistics {
          print(
            "    \(stats.pipelined ? "pipeline: \(stats.speculationsAccepted) speculations applied" : "block-stm"): \(stats.sequentialReason.map { "sequential (\($0))" } ?? "\(stats.workers) workers"), \(stats.executions) executions, \(stats.reexecutions) re-executions, \(stats.aborts) aborts, \(stats.dependencyWaits) waits, \(stats.validations) validations"
          )
        }
        if let root = report.stateRoot {
          print("    stateRoot \(root) (\(fmt(report.stateRootSeconds * 1000)) ms)")
        }
        for failure in report.failures { print("    \(failure)") }
        if receipts {
          for (i, r) in report.receipts.enumerated() {
            print(
              "\(i) \(r.hash) status=\(r.succeeded ? 1 : 0) gas=\(r.gasUsed) cumulative=\(r.cumulative)"
            )
          }
        }
      }
    }
    if !json {
      let mgas = Double(totalGas) / 1e6 / max(totalSeconds, 1e-9)
      let passed = files.count - failed - pending.count
      print(
        "\(totalTransactions) txs, \(totalGas) gas executed in \(fmt(totalSeconds * 1000)) ms (\(fmt(mgas, 0)) Mgas/s)"
      )
      if !pending.isEmpty {
        print(
          "skipped (pending precompile: KZG point evaluation, BLS12-381 or P256VERIFY): \(pending.joined(separator: ", "))"
        )
      }
      print("replay: \(passed) passed, \(failed) failed, \(pending.count) skipped")
    }
    if failed > 0 { throw ExitCode(1) }
  }
}

func fmt(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
func pad(_ s: String, _ n: Int) -> String {
  s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
}
func lpad(_ s: String, _ n: Int) -> String {
  s.count >= n ? s : String(repeating: " ", count: n - s.count) + s
}

/// Expands files and directories into a sorted list of `.json` files.
enum FixturePaths {
  static func expand(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    let manager = FileManager.default
    for path in paths {
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ValidationError("no such file or directory: \(path)")
      }
      if isDirectory.boolValue {
        let enumerator = manager.enumerator(atPath: path)
        var found: [String] = []
        while let item = enumerator?.nextObject() as? String {
          if item.hasSuffix(".json") {
            found.append((path as NSString).appendingPathComponent(item))
          }
        }
        files += found.sorted()
      } else {
        files.append(path)
      }
    }
    return files
  }
}

/// A minimal JSON writer for one-line records.
enum JSONLine {
  indirect enum Value {
    case string(String), int(Int), double(Double), bool(Bool), null, array([Value])
  }

  static func object(_ fields: KeyValuePairs<String, Value>) -> String {
    "{" + fields.map { "\(quote($0.key)):\(render($0.value))" }.joined(separator: ",") + "}"
  }

  static func render(_ value: Value) -> String {
    switch value {
    case .string(let s): return quote(s)
    case .int(let i): return String(i)
    case .double(let d): return String(format: "%.3f", d)
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
    }
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
