import BlockSTM
import Dispatch
import EVMPrimitives
import Testing

/// The scheduler alone, driven by a synthetic workload with random aborts,
/// random dependencies and random "wrote a new location" answers: every
/// transaction must end executed and validated, no (transaction,
/// incarnation) may run twice, and the block must finish (no lost task, no
/// early "done" while work remains). The cases run one after another: their
/// workers spin, and six cases of up to 16 spinning threads at once on two
/// cores (under ThreadSanitizer) overran the time limit.
@Suite(.serialized) struct SchedulerTests {
  /// Shared by the workers; `Locked` (pthread) so ThreadSanitizer sees the locking.
  final class Log: Sendable {
    let executions = Locked<[Int: Int]>([:])  // (tx << 16 | incarnation) → count
    let lastExecuted = Locked<[Int: Int]>([:])  // tx → highest incarnation executed
    let validatedAfterLastExecution = Locked<Set<Int>>([])
  }

  /// A tiny deterministic generator per worker.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
  }

  @Test(.timeLimit(.minutes(1)), arguments: [1, 2, 3, 4, 8, 16])
  func everyTransactionCompletesOnce(workers: Int) {
    let count = 300
    let scheduler = Scheduler(transactionCount: count)
    let log = Log()
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var random = Random(state: UInt64(worker) &* 7919 &+ 1)
      var task: Scheduler.Task? = nil
      while !scheduler.isDone {
        switch task {
        case .execute(let tx, let incarnation)?:
          // Sometimes meet an ESTIMATE of a lower transaction.
          if tx > 0 && incarnation < 2 && random.chance(10) {
            let blocker = Int(random.next() % UInt64(tx))
            if scheduler.addDependency(tx, blocking: blocker) {
              task = nil
              continue
            }
          }
          log.executions.withLock { $0[tx << 16 | incarnation, default: 0] += 1 }
          log.lastExecuted.withLock { $0[tx] = max($0[tx] ?? -1, incarnation) }
          log.validatedAfterLastExecution.withLock { _ = $0.remove(tx) }
          task = scheduler.finishExecution(
            tx, incarnation: incarnation, wroteNewLocation: random.chance(20))
        case .validate(let tx, let incarnation)?:
          let fails = incarnation < 3 && random.chance(15)
          let aborted = fails && scheduler.tryValidationAbort(tx, incarnation: incarnation)
          if !aborted {
            log.validatedAfterLastExecution.withLock { set in
              if log.lastExecuted.withLock({ $0[tx] }) == incarnation { set.insert(tx) }
            }
          }
          task = scheduler.finishValidation(tx, aborted: aborted)
        case nil:
          task = scheduler.nextTask()
        }
      }
    }
    #expect(scheduler.isDone)
    let executions = log.executions.withLock { $0 }
    #expect(executions.values.allSatisfy { $0 == 1 }, "an incarnation ran twice")
    let last = log.lastExecuted.withLock { $0 }
    #expect(last.count == count, "every transaction executed")
    let validated = log.validatedAfterLastExecution.withLock { $0 }
    #expect(validated.count == count, "every final incarnation validated")
  }
}
