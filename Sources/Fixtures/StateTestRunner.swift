import BlockSTM
import EVM
import EVMPrimitives
import Execution
import Transactions
import WorldState

/// Names one state-test case: `relative/path.json::testName::Fork::d0g0v0`.
public struct StateTestCaseID: Hashable, Sendable, CustomStringConvertible {
  /// The file, relative to the suite root.
  public var file: String
  /// The test's key in the file.
  public var test: String
  /// The fork key as written in the file.
  public var fork: String
  /// The (data, gas, value) variant.
  public var indexes: StateTestIndexes

  /// Creates an id.
  public init(file: String, test: String, fork: String, indexes: StateTestIndexes) {
    self.file = file
    self.test = test
    self.fork = fork
    self.indexes = indexes
  }

  /// `file::test::fork::d0g0v0`, the form the known-failures lists use.
  public var description: String { "\(file)::\(test)::\(fork)::\(indexes)" }
}

/// How a case ended.
public enum StateTestStatus: Sendable, Equatable {
  /// Root and logs match (or the transaction was rejected as expected).
  case passed
  /// A mismatch; `reason` is short and stable (it becomes the known-failures comment).
  case failed(reason: String)
  /// Not run, or failed for a reason outside the EVM's scope (a pending precompile, an unknown fork).
  case skipped(reason: String)
}

/// The result of one case.
public struct StateTestCaseResult: Sendable {
  /// Which case.
  public var id: StateTestCaseID
  /// Pass, fail or skip.
  public var status: StateTestStatus
  /// The state root after the transaction (the pre-state root when it was rejected).
  public var stateRoot: Bytes32?
  /// Expected versus actual values, for the failure line.
  public var detail: String

  /// Creates a result.
  public init(
    id: StateTestCaseID, status: StateTestStatus, stateRoot: Bytes32? = nil, detail: String = ""
  ) {
    self.id = id
    self.status = status
    self.stateRoot = stateRoot
    self.detail = detail
  }

  /// True when the case passed.
  public var passed: Bool { status == .passed }

  /// The failure or skip reason, `nil` when the case passed.
  public var reason: String? {
    switch status {
    case .passed: return nil
    case .failed(let reason), .skipped(let reason): return reason
    }
  }
}

/// Runs state-test cases against the EVM.
public enum StateTestRunner {
  /// The reason given to cases that fail after calling a precompile whose
  /// cryptography is not implemented yet.
  public static let pendingPrecompileReason =
    "pending precompile (bn254, KZG, BLS12-381 or P256VERIFY)"

  /// Keccak-256 of the RLP list of `logs`, each `[address, [topics…], data]`:
  /// the `logs` field of a state test.
  public static func logsHash(_ logs: [Log]) -> Bytes32 {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      for log in logs {
        list.appendList { entry in
          entry.append(log.address)
          entry.appendList { topics in
            for topic in log.topics { topics.append(topic) }
          }
          entry.append(bytes: log.data)
        }
      }
    }
    return Keccak256.hash(encoder.bytes)
  }

  /// Runs every case of `test` whose fork passes `includeFork`; `file` is the
  /// file's id in the results.
  public static func run(
    _ test: StateTest, file: String, blockSTMWorkers: Int = 0,
    includeFork: (StateTestExpectation) -> Bool = { _ in true }
  ) -> [StateTestCaseResult] {
    let selected = test.post.filter(includeFork)
    if selected.isEmpty { return [] }
    let pre = test.preState()
    var preRoot: Bytes32?
    var results: [StateTestCaseResult] = []
    results.reserveCapacity(selected.count)
    for expectation in selected {
      results.append(
        run(test, expectation: expectation, file: file, pre: pre, blockSTMWorkers: blockSTMWorkers)
        {
          if let preRoot { return preRoot }
          let root = pre.stateRoot()
          preRoot = root
          return root
        })
    }
    return results
  }

  /// Runs one case: executes the expectation's transaction on `pre` and
  /// compares the state root and the logs hash. `preRoot` gives the
  /// pre-state's root, which a rejected transaction must leave.
  public static func run(
    _ test: StateTest, expectation: StateTestExpectation, file: String, pre: InMemoryState,
    blockSTMWorkers: Int = 0, preRoot: () -> Bytes32
  ) -> StateTestCaseResult {
    let id = StateTestCaseID(
      file: file, test: test.name, fork: expectation.forkName, indexes: expectation.indexes)
    guard let fork = expectation.fork else {
      return StateTestCaseResult(
        id: id, status: .skipped(reason: "unsupported fork \(expectation.forkName)"))
    }
    let block = test.env.blockEnvironment(fork: fork)

    // Decode, recover and execute; any failure before execution is a rejection.
    var rejection: String?
    var outcome: TransactionOutcome?
    var post = pre
    do {
      let tx = try Transaction.decode(expectation.txBytes)
      do {
        let sender = try tx.recoverSender(fork: fork, chainId: 1)
        if blockSTMWorkers > 0 {
          do {
            let (outcomes, _) = try ParallelExecutor.executeTransactions(
              [BlockTransaction(transaction: tx, sender: sender)], environment: block, state: &post,
              workers: blockSTMWorkers, forceParallel: true)
            outcome = outcomes.first
          } catch {
            if case .invalidTransaction(_, _, let reason) = error {
              rejection = reason.description
            } else {
              rejection = error.description
            }
          }
        } else {
          do {
            let executed = try TransactionProcessor.execute(
              tx, sender: sender, view: pre, block: block)
            post.apply(executed.changes)
            outcome = executed
          } catch {
            rejection = error.description
          }
        }
      } catch {
        rejection = "sender recovery: \(error.description)"
      }
    } catch {
      rejection = "decoding: \(error.description)"
    }

    guard let outcome else {
      let root = preRoot()
      let why = rejection ?? "rejected"
      if let expected = expectation.expectException {
        if root == expectation.stateRoot {
          return StateTestCaseResult(id: id, status: .passed, stateRoot: root)
        }
        return StateTestCaseResult(
          id: id, status: .failed(reason: "rejected as expected, but the pre-state root differs"),
          stateRoot: root,
          detail:
            "expected \(expected); rejected (\(why)); root \(root), expected \(expectation.stateRoot)"
        )
      }
      return StateTestCaseResult(
        id: id, status: .failed(reason: "transaction rejected: \(why)"), stateRoot: root,
        detail: "rejected (\(why)); expected root \(expectation.stateRoot)")
    }

    let root = post.stateRoot()
    let logs = logsHash(outcome.logs)
    var gasNote = "gas used \(outcome.gasUsed)"
    if let expectedGas = expectation.gasUsed { gasNote += " (expected \(expectedGas))" }

    let failure: String?
    var detail = ""
    if let expected = expectation.expectException {
      failure = "transaction accepted, expected \(expected)"
      detail =
        "accepted, status \(describe(outcome.status)), \(gasNote); root \(root), expected \(expectation.stateRoot)"
    } else if root != expectation.stateRoot {
      if let expectedGas = expectation.gasUsed, expectedGas != outcome.gasUsed {
        failure = "state root mismatch, gas used differs"
      } else {
        failure = "state root mismatch"
      }
      detail =
        "root \(root), expected \(expectation.stateRoot); status \(describe(outcome.status)), \(gasNote)"
      if logs != expectation.logsHash { detail += "; logs differ too" }
    } else if logs != expectation.logsHash {
      failure = "logs hash mismatch"
      detail = "logs \(logs), expected \(expectation.logsHash); \(outcome.logs.count) logs"
    } else {
      failure = nil
    }

    guard let failure else { return StateTestCaseResult(id: id, status: .passed, stateRoot: root) }
    if outcome.calledPendingPrecompile {
      return StateTestCaseResult(
        id: id, status: .skipped(reason: pendingPrecompileReason), stateRoot: root,
        detail: "\(failure): \(detail)")
    }
    return StateTestCaseResult(
      id: id, status: .failed(reason: failure), stateRoot: root, detail: detail)
  }

  /// `success`, `revert` or `halt: <reason>`.
  static func describe(_ status: ExecutionStatus) -> String {
    switch status {
    case .success: return "success"
    case .revert: return "revert"
    case .failure(let halt): return "halt: \(halt.rawValue)"
    }
  }
}
