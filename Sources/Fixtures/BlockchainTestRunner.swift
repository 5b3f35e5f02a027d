import BlockSTM
import EVM
import EVMPrimitives
import Execution
import Foundation
import WorldState

/// Names one blockchain test: `relative/path.json::testName::Network`.
public struct BlockchainTestCaseID: Hashable, Sendable, CustomStringConvertible {
  /// The file, relative to the suite root.
  public var file: String
  /// The test's key in the file.
  public var test: String
  /// The `network` as written in the file.
  public var network: String

  /// Creates an id.
  public init(file: String, test: String, network: String) {
    self.file = file
    self.test = test
    self.network = network
  }

  /// `file::test::network`, the form the known-failures list uses.
  public var description: String { "\(file)::\(test)::\(network)" }
}

/// The result of one blockchain test.
public struct BlockchainTestCaseResult: ConformanceCaseResult {
  /// Which test.
  public var id: BlockchainTestCaseID
  /// Pass, fail or skip.
  public var status: StateTestStatus
  /// Expected versus actual values, for the failure line.
  public var detail: String
  /// The head's hash, when the chain could be built.
  public var head: Bytes32?
  /// Blocks imported and blocks rejected.
  public var imported: Int
  /// Blocks rejected (as expected or not).
  public var rejected: Int
  /// Each expected rejection: `block N: <expected exception>: <why it was rejected>`.
  public var rejections: [String]

  /// Creates a result.
  public init(
    id: BlockchainTestCaseID, status: StateTestStatus, detail: String = "", head: Bytes32? = nil,
    imported: Int = 0, rejected: Int = 0, rejections: [String] = []
  ) {
    self.id = id
    self.status = status
    self.detail = detail
    self.head = head
    self.imported = imported
    self.rejected = rejected
    self.rejections = rejections
  }
}

/// The results of one blockchain-test file, or why it could not be read.
public struct BlockchainTestFileResult: ConformanceFileResult {
  /// The file.
  public var source: StateTestSource
  /// Every test run, in order.
  public var cases: [BlockchainTestCaseResult]
  /// Set when the file could not be parsed (no cases then).
  public var error: StateTestError?

  /// Creates a file result.
  public init(
    source: StateTestSource, cases: [BlockchainTestCaseResult], error: StateTestError? = nil
  ) {
    self.source = source
    self.cases = cases
    self.error = error
  }
}

/// Runs blockchain tests: every block is decoded, validated against its
/// parent and executed on the parent's post-state (`BlockValidation.importBlock`);
/// blocks are kept by hash so that a block may build on any earlier one
/// (chain reorganisations); the head named by `lastblockhash` must have been
/// imported and its state must match `postState` (or `postStateHash`).
public enum BlockchainTestRunner {
  /// The chain id of the test networks.
  public static let chainId: UInt64 = 1

  /// An imported block.
  struct Node {
    var header: BlockHeader
    var hash: Bytes32
    var state: InMemoryState
  }

  /// How blocks execute: `BlockExecutor` with 1 worker, Block-STM
  /// (`ParallelExecutor`) with more.
  public static func execution(workers: Int) -> BlockExecution {
    if workers <= 1 {
      return { block, state throws(BlockError) in try BlockExecutor.execute(block, state: &state) }
    }
    return { block, state throws(BlockError) in
      try ParallelExecutor.execute(block, state: &state, workers: workers).0
    }
  }

  /// Runs one test; `file` is the file's id in the result; blocks execute on
  /// Block-STM with `blockWorkers` threads when above 1.
  public static func run(_ test: BlockchainTest, file: String, blockWorkers: Int = 1)
    -> BlockchainTestCaseResult
  {
    let execute = execution(workers: blockWorkers)
    let id = BlockchainTestCaseID(file: file, test: test.name, network: test.network)
    func fail(_ reason: String, _ detail: String = "", imported: Int = 0, rejected: Int = 0)
      -> BlockchainTestCaseResult
    {
      BlockchainTestCaseResult(
        id: id, status: .failed(reason: reason), detail: detail, imported: imported,
        rejected: rejected)
    }
    guard let schedule = ForkSchedule(network: test.network) else {
      return BlockchainTestCaseResult(
        id: id, status: .skipped(reason: "unsupported network \(test.network)"))
    }

    // Genesis.
    let genesis: DecodedBlock
    do {
      genesis = try DecodedBlock(rlp: test.genesisRLP)
    } catch {
      return fail("genesis does not decode", error.description)
    }
    if let expected = test.genesisHash, expected != genesis.hash {
      return fail("genesis hash mismatch", "computed \(genesis.hash), expected \(expected)")
    }
    let pre = BlockchainTest.state(test.pre)
    let preRoot = pre.stateRoot()
    guard preRoot == genesis.header.stateRoot else {
      return fail(
        "genesis state root mismatch", "pre root \(preRoot), header \(genesis.header.stateRoot)")
    }
    var nodes: [Bytes32: Node] = [
      genesis.hash: Node(header: genesis.header, hash: genesis.hash, state: pre)
    ]

    // Blocks.
    var imported = 0
    var rejected = 0
    var rejections: [String] = []
    for (index, entry) in test.blocks.enumerated() {
      let outcome = importBlock(entry.rlp, nodes: nodes, schedule: schedule, execute: execute)
      switch outcome {
      case .success(let node):
        imported += 1
        if let expected = entry.expectException {
          return fail(
            "block \(index + 1) accepted, expected \(expected)", "block \(node.hash)",
            imported: imported, rejected: rejected)
        }
        nodes[node.hash] = node
      case .failure(let why):
        rejected += 1
        if case .unsupportedFork(let fork) = why.validation {
          return BlockchainTestCaseResult(
            id: id, status: .skipped(reason: "block validation before the Merge (\(fork))"),
            imported: imported, rejected: rejected)
        }
        guard let expected = entry.expectException else {
          return fail(
            "block \(index + 1) rejected", why.description, imported: imported, rejected: rejected)
        }
        let allowed = RejectionKind.expected(by: expected)
        guard allowed.isEmpty || allowed.contains(why.kind) else {
          return fail(
            "block \(index + 1) rejected for another reason",
            "expected \(expected); rejected (\(why.kind)): \(why)", imported: imported,
            rejected: rejected)
        }
        rejections.append("block \(index + 1): \(expected): \(why)")
      }
    }

    // Head and post-state.
    guard let head = nodes[test.lastBlockHash] else {
      return fail(
        "lastblockhash not imported", "\(test.lastBlockHash)", imported: imported,
        rejected: rejected)
    }
    if let postState = test.postState {
      if let difference = head.state.firstDifference(from: BlockchainTest.state(postState)) {
        return fail(
          "post-state mismatch", difference, imported: imported, rejected: rejected)
      }
    } else if let expected = test.postStateHash {
      let root = head.state.stateRoot()
      guard root == expected else {
        return fail(
          "post-state root mismatch", "root \(root), expected \(expected)", imported: imported,
          rejected: rejected)
      }
    }
    return BlockchainTestCaseResult(
      id: id, status: .passed, head: head.hash, imported: imported, rejected: rejected,
      rejections: rejections)
  }

  /// Why a block was not imported.
  struct Rejection: Error, CustomStringConvertible {
    var description: String
    var validation: BlockValidationError?
    var kind: RejectionKind {
      switch validation {
      case nil: return description.hasPrefix("unknown parent") ? .unknownParent : .decoding
      case .header?: return .header
      case .body?: return .body
      case .sender?, .execution?: return .transaction
      case .mismatch?: return .commitment
      case .unsupportedFork?: return .body
      }
    }
  }

  /// Decodes `rlp`, finds the parent among `nodes` and imports the block on
  /// the parent's state.
  static func importBlock(
    _ rlp: [UInt8]?, nodes: [Bytes32: Node], schedule: ForkSchedule, execute: BlockExecution
  ) -> Result<Node, Rejection> {
    guard let rlp else { return .failure(Rejection(description: "rlp is not hex")) }
    let block: DecodedBlock
    do {
      block = try DecodedBlock(rlp: rlp)
    } catch {
      return .failure(Rejection(description: "decoding: \(error)"))
    }
    guard let parent = nodes[block.header.parentHash] else {
      return .failure(Rejection(description: "unknown parent \(block.header.parentHash)"))
    }
    // BLOCKHASH sees the 256 most recent ancestors.
    var hashes: [UInt64: Bytes32] = [:]
    var ancestor: Node? = parent
    while let node = ancestor, hashes.count < 256 {
      hashes[node.header.number] = node.hash
      ancestor = node.header.number == 0 ? nil : nodes[node.header.parentHash]
    }
    let fork = schedule.fork(number: block.header.number, timestamp: block.header.timestamp)
    var state = parent.state
    do {
      _ = try BlockValidation.importBlock(
        block, parent: parent.header, parentHash: parent.hash, state: &state, blockHashes: hashes,
        fork: fork, chainId: chainId, encodedSize: rlp.count, execute: execute)
    } catch {
      return .failure(Rejection(description: error.description, validation: error))
    }
    state.blockHashes = [:]
    return .success(Node(header: block.header, hash: block.hash, state: state))
  }

  /// What kind of rule rejected a block, to check a rejection against the
  /// test's `expectException` (the exact wording of the filling client is
  /// not comparable, its category is).
  public enum RejectionKind: String, Sendable, CustomStringConvertible {
    /// The RLP does not decode into a block of the right shape.
    case decoding
    /// The parent is not a known block.
    case unknownParent
    /// Header validation against the parent.
    case header
    /// The body does not fit the header or the fork.
    case body
    /// An invalid transaction (signature, nonce, balance, fees, gas, …).
    case transaction
    /// A header commitment differs from the execution's result.
    case commitment

    /// The kind's name.
    public var description: String { rawValue }

    /// The kinds of rejection an `expectException` value allows (any of
    /// `A|B`); empty when one of the names is not known here (then any
    /// rejection is accepted).
    public static func expected(by exceptions: String) -> Set<RejectionKind> {
      var kinds: Set<RejectionKind> = []
      for name in exceptions.split(separator: "|") {
        let name = name.trimmingWhitespace()
        if name.hasPrefix("TransactionException.") {
          kinds.insert(.transaction)
          continue
        }
        guard name.hasPrefix("BlockException."),
          let kind = blockExceptions[String(name.dropFirst("BlockException.".count))]
        else { return [] }
        kinds.formUnion(kind)
      }
      return kinds
    }

    /// The `BlockException` names the suites use, by kind.
    static let blockExceptions: [String: Set<RejectionKind>] = [
      "RLP_STRUCTURES_ENCODING": [.decoding], "RLP_INVALID_FIELD_OVERFLOW_64": [.decoding],
      "RLP_INVALID_ADDRESS": [.decoding], "RLP_WITHDRAWALS_NOT_READ": [.decoding, .body],
      "UNKNOWN_PARENT": [.unknownParent], "UNKNOWN_PARENT_ZERO": [.unknownParent],
      "INVALID_GASLIMIT": [.header], "GASLIMIT_TOO_BIG": [.header], "GAS_USED_OVERFLOW": [.header],
      "INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT": [.header], "EXTRA_DATA_TOO_BIG": [.header],
      "INVALID_BASEFEE_PER_GAS": [.header], "INVALID_BLOCK_NUMBER": [.header],
      "IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS": [.header, .body],
      "IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS": [.header], "INCORRECT_EXCESS_BLOB_GAS": [.header],
      "INVALID_STATE_ROOT": [.commitment], "INVALID_WITHDRAWALS_ROOT": [.commitment],
      "INVALID_TRANSACTIONS_ROOT": [.commitment], "INVALID_RECEIPTS_ROOT": [.commitment],
      "INVALID_GAS_USED": [.commitment], "INVALID_LOG_BLOOM": [.commitment],
      "INCORRECT_BLOB_GAS_USED": [.commitment], "INVALID_REQUESTS": [.commitment],
    ]
  }

  /// Parses and runs one file (blocks on Block-STM when `blockWorkers` > 1).
  public static func run(
    _ source: StateTestSource, filter: StateTestFilter = StateTestFilter(), blockWorkers: Int = 1
  ) -> BlockchainTestFileResult {
    let file: BlockchainTestFile
    do {
      file = try BlockchainTestFile.load(source.url, path: source.relativePath)
    } catch {
      return BlockchainTestFileResult(source: source, cases: [], error: error)
    }
    var nameRegex: Regex<AnyRegexOutput>?
    if let pattern = filter.namePattern {
      do {
        nameRegex = try Regex(pattern)
      } catch {
        let failure = StateTestError(
          file: source.relativePath, field: "--run", message: "invalid regular expression: \(error)"
        )
        return BlockchainTestFileResult(source: source, cases: [], error: failure)
      }
    }
    var cases: [BlockchainTestCaseResult] = []
    for test in file.tests {
      if let nameRegex, (try? nameRegex.firstMatch(in: test.name)) == nil { continue }
      if let fork = filter.fork {
        guard let schedule = ForkSchedule(network: test.network),
          schedule.first == fork || schedule.transition?.fork == fork
        else { continue }
      }
      cases.append(run(test, file: source.relativePath, blockWorkers: blockWorkers))
    }
    return BlockchainTestFileResult(source: source, cases: cases)
  }

  /// Runs `sources` on `workers` threads, delivering each file's result in
  /// file order (`StateTestSuite.runInOrder`).
  public static func run(
    _ sources: [StateTestSource], filter: StateTestFilter = StateTestFilter(), workers: Int,
    blockWorkers: Int = 1, deliver: @escaping @Sendable (BlockchainTestFileResult) -> Void
  ) {
    StateTestSuite.runInOrder(
      sources, workers: workers,
      process: { run($0, filter: filter, blockWorkers: blockWorkers) }, deliver: deliver)
  }
}
