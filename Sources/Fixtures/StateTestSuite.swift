import EVMPrimitives
import Foundation
import Synchronization

/// A conformance-test file to run (state tests, blockchain tests): where it
/// is and its id in reports.
public struct StateTestSource: Sendable, Equatable {
  /// The file on disk.
  public var url: URL
  /// The path relative to the suite root (the directory given on the command
  /// line, or for a file the nearest `GeneralStateTests*` — or the suite's
  /// own prefix — ancestor), the first part of a case id.
  public var relativePath: String

  /// Creates a source.
  public init(url: URL, relativePath: String) {
    self.url = url
    self.relativePath = relativePath
  }
}

/// The results of one conformance file, or why it could not be read.
public protocol ConformanceFileResult: Sendable {
  /// The kind of case result the file holds.
  associatedtype Case: ConformanceCaseResult
  /// The file.
  var source: StateTestSource { get }
  /// Every case run, in order.
  var cases: [Case] { get }
  /// Set when the file could not be parsed (no cases then).
  var error: StateTestError? { get }
}

/// The results of one file, or why it could not be read.
public struct StateTestFileResult: ConformanceFileResult {
  /// The file.
  public var source: StateTestSource
  /// Every case run, in order.
  public var cases: [StateTestCaseResult]
  /// Set when the file could not be parsed (no cases then).
  public var error: StateTestError?

  /// Creates a file result.
  public init(source: StateTestSource, cases: [StateTestCaseResult], error: StateTestError? = nil) {
    self.source = source
    self.cases = cases
    self.error = error
  }
}

/// Which cases to run.
public struct StateTestFilter: Sendable {
  /// Only this fork, when set.
  public var fork: Fork?
  /// Only tests whose name matches this regular expression, when set.
  public var namePattern: String?
  /// 0: the sequential executor. N: each case runs as a one-transaction block
  /// through Block-STM with N workers (its multi-version view and commit path).
  public var blockSTMWorkers: Int

  /// Creates a filter.
  public init(fork: Fork? = nil, namePattern: String? = nil, blockSTMWorkers: Int = 0) {
    self.fork = fork
    self.namePattern = namePattern
    self.blockSTMWorkers = blockSTMWorkers
  }
}

/// Finding and running state-test files, in parallel, with results delivered in file order.
public enum StateTestSuite {
  /// The threads that run files side by side (their own pool: a file's
  /// cases may run Block-STM on `WorkerPool.shared`).
  static let filePool = WorkerPool()

  /// The `.json` files under each path (files are taken as they are,
  /// directories recursively), sorted per path, in the order of `paths`.
  /// Ids are relative to the nearest ancestor whose name starts with
  /// `suitePrefix`, else to the directory given. Throws a message when a path
  /// does not exist.
  public static func sources(_ paths: [String], suitePrefix: String = "GeneralStateTests")
    throws(StateTestError) -> [StateTestSource]
  {
    var result: [StateTestSource] = []
    let manager = FileManager.default
    for path in paths {
      let url = URL(fileURLWithPath: path).standardizedFileURL
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw StateTestError(file: path, field: "", message: "no such file or directory")
      }
      if !isDirectory.boolValue {
        result.append(
          StateTestSource(
            url: url, relativePath: relativePath(ofFile: url, suitePrefix: suitePrefix)))
        continue
      }
      let root = url.resolvingSymlinksInPath().path
      var files: [String] = []
      if let enumerator = manager.enumerator(atPath: root) {
        for case let relative as String in enumerator where relative.hasSuffix(".json") {
          files.append(relative)
        }
      }
      for relative in files.sorted() {
        let file = URL(fileURLWithPath: root).appendingPathComponent(relative)
        result.append(
          StateTestSource(
            url: file, relativePath: suiteRelativePath(file, suitePrefix: suitePrefix) ?? relative))
      }
    }
    return result
  }

  /// A lone file's id: its path below the nearest `GeneralStateTests*` (or
  /// `suitePrefix*`) directory (so ids match a whole-suite run), else its name.
  static func relativePath(ofFile url: URL, suitePrefix: String = "GeneralStateTests") -> String {
    suiteRelativePath(url, suitePrefix: suitePrefix) ?? url.lastPathComponent
  }

  /// The path of `url` below its nearest `GeneralStateTests*` ancestor, if any,
  /// so that a run over a sub-folder or one file names cases as a whole-suite run does.
  static func suiteRelativePath(_ url: URL, suitePrefix: String = "GeneralStateTests") -> String? {
    let components = url.pathComponents
    guard let index = components.dropLast().lastIndex(where: { $0.hasPrefix(suitePrefix) })
    else { return nil }
    return components[(index + 1)...].joined(separator: "/")
  }

  /// Parses and runs one file.
  public static func run(_ source: StateTestSource, filter: StateTestFilter = StateTestFilter())
    -> StateTestFileResult
  {
    let file: StateTestFile
    do {
      file = try StateTestFile.load(source.url, path: source.relativePath)
    } catch {
      return StateTestFileResult(source: source, cases: [], error: error)
    }
    var nameRegex: Regex<AnyRegexOutput>?
    if let pattern = filter.namePattern {
      do {
        nameRegex = try Regex(pattern)
      } catch {
        let failure = StateTestError(
          file: source.relativePath, field: "--run", message: "invalid regular expression: \(error)"
        )
        return StateTestFileResult(source: source, cases: [], error: failure)
      }
    }
    var cases: [StateTestCaseResult] = []
    for test in file.tests {
      if let nameRegex, (try? nameRegex.firstMatch(in: test.name)) == nil { continue }
      cases += StateTestRunner.run(
        test, file: source.relativePath, blockSTMWorkers: filter.blockSTMWorkers
      ) { expectation in
        guard let fork = filter.fork else { return true }
        return expectation.fork == fork
      }
    }
    return StateTestFileResult(source: source, cases: cases)
  }

  /// Runs `sources` on `workers` threads (Dispatch `concurrentPerform`, each
  /// worker taking the next file), calling `deliver` with each file's result
  /// in file order, serially, as soon as every earlier file is done.
  public static func run(
    _ sources: [StateTestSource], filter: StateTestFilter = StateTestFilter(), workers: Int,
    deliver: @escaping @Sendable (StateTestFileResult) -> Void
  ) {
    runInOrder(sources, workers: workers, process: { run($0, filter: filter) }, deliver: deliver)
  }

  /// Runs `process` over `sources` on `workers` threads (Dispatch
  /// `concurrentPerform`, each worker taking the next file), calling `deliver`
  /// with each result in file order, serially, as soon as every earlier file
  /// is done. The driver of every conformance suite.
  public static func runInOrder<Result: Sendable>(
    _ sources: [StateTestSource], workers: Int,
    process: @escaping @Sendable (StateTestSource) -> Result,
    deliver: @escaping @Sendable (Result) -> Void
  ) {
    let collector = OrderedCollector<Result>(deliver: deliver)
    let next = Atomic<Int>(0)
    Self.filePool.run(max(1, min(workers, sources.count))) { _ in
      while true {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        if index >= sources.count { return }
        collector.store(process(sources[index]), at: index)
      }
    }
  }
}

/// Holds finished results until every earlier one is in, then delivers them in order.
private final class OrderedCollector<Result: Sendable>: Sendable {
  private struct Buffer {
    var pending: [Int: Result] = [:]
    var nextToDeliver = 0
  }
  private let buffer = Mutex(Buffer())
  private let deliver: @Sendable (Result) -> Void

  init(deliver: @escaping @Sendable (Result) -> Void) {
    self.deliver = deliver
  }

  func store(_ result: Result, at index: Int) {
    // Delivery happens under the lock so that results come out one at a time, in order.
    buffer.withLock { buffer in
      buffer.pending[index] = result
      while let ready = buffer.pending.removeValue(forKey: buffer.nextToDeliver) {
        deliver(ready)
        buffer.nextToDeliver += 1
      }
    }
  }
}
