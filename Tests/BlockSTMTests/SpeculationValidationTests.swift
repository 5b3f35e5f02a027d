import EVM
import EVMPrimitives
import Testing
import WorldState

@testable import BlockSTM

/// `SpeculativePipeline.stillHolds`: answers about accounts the committer
/// never wrote hold without a look at them; answers about written accounts
/// are compared, field by field and slot by slot.
@Suite struct SpeculationValidationTests {
  let untouched = Address(word: UInt256(0xA1))
  let written = Address(word: UInt256(0xB2))
  let key = UInt256(7)

  /// The pre-state (with a change already made before the block, as a
  /// system call would) and the committer's copy after writing `written`.
  func states() -> (pre: InMemoryState, committer: InMemoryState) {
    var accounts = FlatDictionary<Address, StoredAccount>()
    accounts[untouched] = StoredAccount(info: AccountInfo(balance: UInt256(5), nonce: 1))
    var storage = FlatDictionary<UInt256, UInt256>()
    storage[key] = UInt256(9)
    accounts[written] = StoredAccount(info: AccountInfo(balance: UInt256(3)), storage: storage)
    var pre = InMemoryState(accounts: accounts)
    pre.credit(Address(word: UInt256(0xC3)), UInt256(1))  // written before the block's transactions
    var committer = pre
    var changes = StateChanges()
    changes.accounts[written] = AccountChange(
      info: AccountInfo(balance: UInt256(4)), storage: [(key: key, value: UInt256(10))])
    committer.apply(changes)
    return (pre, committer)
  }

  @Test func answersAboutUnwrittenAccountsHold() {
    let (pre, committer) = states()
    #expect(committer.accounts.isUnwritten(untouched))
    #expect(!committer.accounts.isUnwritten(written))
    let reads: [SpeculativeRead] = [
      .account(untouched, pre.account(untouched)),
      .storage(untouched, key, .zero),
      .dead(untouched, false),
      .hasStorage(untouched, false),
      .account(Address(word: UInt256(0xC3)), pre.account(Address(word: UInt256(0xC3)))),
    ]
    #expect(SpeculativePipeline.stillHolds(reads, on: committer))
  }

  @Test func staleAnswersAboutWrittenAccountsFail() {
    let (pre, committer) = states()
    #expect(
      !SpeculativePipeline.stillHolds([.account(written, pre.account(written))], on: committer))
    #expect(!SpeculativePipeline.stillHolds([.storage(written, key, UInt256(9))], on: committer))
    // A written account whose answers did not change still holds.
    #expect(SpeculativePipeline.stillHolds([.storage(written, key, UInt256(10))], on: committer))
    #expect(SpeculativePipeline.stillHolds([.hasStorage(written, true)], on: committer))
    #expect(
      SpeculativePipeline.stillHolds([.account(written, committer.account(written))], on: committer)
    )
  }
}
