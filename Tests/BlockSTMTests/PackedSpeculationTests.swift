import EVM
import EVMPrimitives
import Testing
import WorldState

@testable import BlockSTM
@testable import Execution

/// A speculation packed into a `SpeculationArena` gives the committer what
/// the unpacked one does: the same header fields, the same verdict on its
/// answers, the same state once applied.
@Suite struct PackedSpeculationTests {
  let plain = Address(word: UInt256(0xA1))
  let contract = Address(word: UInt256(0xB2))
  let doomed = Address(word: UInt256(0xC3))
  let payee = Address(word: UInt256(0xD4))
  let key = UInt256(7)

  func preState() -> InMemoryState {
    var accounts = FlatDictionary<Address, StoredAccount>()
    accounts[plain] = StoredAccount(info: AccountInfo(balance: UInt256(5), nonce: 1))
    var storage = FlatDictionary<UInt256, UInt256>()
    storage[key] = UInt256(9)
    storage[UInt256(8)] = UInt256(1)
    accounts[contract] = StoredAccount(
      info: AccountInfo(balance: UInt256(3), codeHash: Bytes32(word: UInt256(0xEE))),
      storage: storage)
    accounts[doomed] = StoredAccount(info: AccountInfo(balance: UInt256(2)), storage: storage)
    return InMemoryState(accounts: accounts)
  }

  /// Every kind of change: fields with storage cleared and rewritten,
  /// storage only (a write and a deletion), a deleted account, and deltas
  /// to an existing and to an absent account.
  func outcome(deferred: Bool = true) -> TransactionOutcome {
    var changes = StateChanges()
    changes.accounts[plain] = AccountChange(
      info: AccountInfo(balance: UInt256(1), nonce: 2), storageCleared: true,
      storage: [(key: UInt256(1), value: UInt256(11))])
    changes.accounts[contract] = AccountChange(
      info: nil, infoChanged: false,
      storage: [(key: key, value: UInt256(10)), (key: UInt256(8), value: .zero)])
    changes.accounts[doomed] = AccountChange(info: nil)
    changes.deltas[payee] = AccountDelta(balance: UInt256(21_000), nonce: 0)
    changes.deltas[plain] = AccountDelta(balance: UInt256(0) &- UInt256(1), nonce: 1)
    return TransactionOutcome(
      status: .revert, gasUsed: 21_000, blobGasUsed: 131_072,
      logs: [Log(address: contract, topics: [Bytes32(word: UInt256(1))], data: [1, 2, 3])],
      output: [], changes: changes, calledPendingPrecompile: true,
      deferredSenderCheck: deferred ? DeferredSenderCheck(nonce: 4, balance: UInt256(99)) : nil)
  }

  func reads(_ state: InMemoryState) -> [SpeculativeRead] {
    [
      .account(plain, state.account(plain)),
      .account(payee, state.account(payee)),
      .codeHash(contract, state.codeHash(contract)),
      .storage(contract, key, state.storage(contract, key)),
      .dead(payee, state.isDead(payee)),
      .hasStorage(doomed, state.hasStorage(doomed)),
    ]
  }

  @Test func headerFieldsRoundTrip() throws {
    let arena = SpeculationArena(transactions: 2)
    let value = outcome()
    let packed = try #require(arena.pack(1, reads: reads(preState()), outcome: value))
    #expect(packed.readCount == 6)
    #expect(packed.accountCount == 3)
    #expect(packed.deltaCount == 2)
    #expect(!packed.succeeded)
    #expect(packed.calledPendingPrecompile)
    #expect(packed.gasUsed == 21_000)
    #expect(packed.blobGasUsed == 131_072)
    #expect(packed.deferredSenderCheck == DeferredSenderCheck(nonce: 4, balance: UInt256(99)))
    #expect(arena.logs[1] == value.logs)
    #expect(arena.logs[0].isEmpty)
    let other = try #require(arena.pack(0, reads: [], outcome: outcome(deferred: false)))
    #expect(other.deferredSenderCheck == nil)
    #expect(other.readCount == 0)
  }

  @Test func appliedLikeTheOutcome() throws {
    let arena = SpeculationArena(transactions: 1)
    let value = outcome()
    let packed = try #require(arena.pack(0, reads: [], outcome: value))
    var expected = preState()
    expected.apply(value.changes)
    var actual = preState()
    packed.apply(to: &actual)
    #expect(actual.firstDifference(from: expected) == nil)
    #expect(actual.account(doomed) == nil)
    #expect(actual.storage(contract, UInt256(8)) == .zero)
    #expect(actual.storage(plain, UInt256(1)) == UInt256(11))
  }

  /// The verdict on each answer, alone and together, equals the unpacked
  /// one, on the pre-state and on states where each account was written.
  @Test func answersCheckedLikeTheUnpackedOnes() throws {
    let pre = preState()
    let answers = reads(pre)
    var states = [pre]
    var changed = pre
    changed.apply(outcome().changes)
    states.append(changed)
    var rewritten = pre
    rewritten.credit(plain, .zero)  // written, unchanged
    rewritten.credit(payee, UInt256(1))
    states.append(rewritten)
    for set in [answers] + answers.map({ [$0] }) {
      let arena = SpeculationArena(transactions: 1)
      let packed = try #require(arena.pack(0, reads: set, outcome: outcome()))
      for state in states {
        #expect(packed.stillHolds(on: state) == SpeculativePipeline.stillHolds(set, on: state))
      }
    }
    let all = SpeculationArena(transactions: 1)
    let packed = try #require(all.pack(0, reads: answers, outcome: outcome()))
    #expect(packed.stillHolds(on: pre))
    #expect(!packed.stillHolds(on: changed))
  }

  /// Deployed code stays unpacked, and so does what no longer fits.
  @Test func codeAndOverflowStayUnpacked() {
    let arena = SpeculationArena(transactions: 1, bytes: SpeculationArena.bytesPerTransaction)
    var deploying = outcome()
    deploying.changes.accounts[payee] = AccountChange(
      info: AccountInfo(codeHash: Bytes32(word: UInt256(5))),
      code: Bytecode([0x00], hash: Bytes32(word: UInt256(5))))
    #expect(arena.pack(0, reads: [], outcome: deploying) == nil)
    let many = [SpeculativeRead](
      repeating: .storage(contract, key, .zero),
      count: SpeculationArena.bytesPerTransaction / 96 + 1)
    #expect(arena.pack(0, reads: many, outcome: outcome()) == nil)
    #expect(arena.pack(0, reads: [], outcome: outcome()) != nil)
  }
}
