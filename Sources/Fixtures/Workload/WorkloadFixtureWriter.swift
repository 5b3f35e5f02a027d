import EVM
import EVMPrimitives
import Execution
import Transactions
import WorldState

/// Writes a ``GeneratedWorkload`` as a block fixture (`../shared/FIXTURES.md`):
/// accounts sorted by address, storage by slot, transactions in block order,
/// so the same workload always gives the same bytes.
enum WorkloadFixtureWriter {
  static func json(for workload: GeneratedWorkload) -> FixtureJSON {
    let env = workload.block.environment
    let options = workload.options
    var command =
      "pevm generate \(options.kind) --gas \(WorkloadOptions.gasLabel(options.gas)) --seed \(options.seed)"
    if options.fork != .cancun { command += " --fork \(options.fork)" }
    if let pools = options.pools { command += " --pools \(pools)" }
    let counts = workload.counts.keys.sorted().map { ($0, FixtureJSON.int(workload.counts[$0]!)) }
    var members: [(String, FixtureJSON)] = [
      ("name", .string(workload.name)),
      (
        "generator",
        .object([
          ("command", .string(command)), ("transactions", .int(workload.block.transactions.count)),
          ("senders", .int(workload.senders)), ("reverted", .int(workload.reverted)),
          ("patterns", .object(counts)),
        ])
      ),
      ("chainId", .string(q(env.chainId))),
      ("fork", .string(env.fork.description)),
      ("pre", pre(workload.pre)),
      ("block", block(workload)),
    ]
    let hashes = workload.pre.blockHashes.keys.sorted().map {
      ("\($0)", FixtureJSON.string(workload.pre.blockHashes[$0]!.description))
    }
    members.append(("blockHashes", .object(hashes)))
    members.append(
      (
        "expect",
        .object([
          ("gasUsed", .string(q(workload.result.gasUsed))),
          ("receiptsRoot", .string(workload.result.receiptsRoot.description)),
          ("logsBloom", .string(workload.result.logsBloom.hex)),
          ("stateRoot", .string(workload.stateRoot.description)),
        ])
      ))
    return .object(members)
  }

  static func q(_ x: UInt64) -> String { UInt256(x).hexQuantity }

  static func pre(_ state: InMemoryState) -> FixtureJSON {
    .object(
      state.accounts.keys.sorted().map { address in
        let account = state.accounts[address]!
        var fields: [(String, FixtureJSON)] = [
          ("balance", .string(account.info.balance.hexQuantity)),
          ("nonce", .string(q(account.info.nonce))),
        ]
        if account.code.count > 0 {
          fields.append(("code", .string(Hex.encode(account.code.bytes))))
        }
        if !account.storage.isEmpty {
          fields.append(
            (
              "storage",
              .object(
                account.storage.keys.sorted().map {
                  ($0.hexWord, .string(account.storage[$0]!.hexWord))
                })
            ))
        }
        return (address.description, .object(fields))
      })
  }

  static func block(_ workload: GeneratedWorkload) -> FixtureJSON {
    let block = workload.block
    let env = block.environment
    var fields: [(String, FixtureJSON)] = [
      ("number", .string(q(env.number))),
      ("parentHash", .string(block.parentHash.description)),
      ("miner", .string(env.coinbase.description)),
      ("stateRoot", .string(workload.stateRoot.description)),
      ("transactionsRoot", .string(workload.transactionsRoot.description)),
      ("receiptsRoot", .string(workload.result.receiptsRoot.description)),
      ("logsBloom", .string(workload.result.logsBloom.hex)),
      ("difficulty", .string(env.difficulty.hexQuantity)),
      ("gasLimit", .string(q(env.gasLimit))),
      ("gasUsed", .string(q(workload.result.gasUsed))),
      ("timestamp", .string(q(env.timestamp))),
      ("extraData", .string("0x")),
      ("mixHash", .string(env.prevRandao.description)),
      ("nonce", .string("0x0000000000000000")),
      ("baseFeePerGas", .string(env.baseFee.hexQuantity)),
    ]
    if let withdrawals = block.withdrawals {
      if let root = workload.result.withdrawalsRoot {
        fields.append(("withdrawalsRoot", .string(root.description)))
      }
      fields.append(
        (
          "withdrawals",
          .array(
            withdrawals.map { w in
              .object([
                ("index", .string(q(w.index))), ("validatorIndex", .string(q(w.validatorIndex))),
                ("address", .string(w.address.description)), ("amount", .string(q(w.amount))),
              ])
            })
        ))
    }
    if env.fork >= .cancun {
      fields.append(("blobGasUsed", .string(q(workload.result.blobGasUsed))))
      fields.append(("excessBlobGas", .string(q(env.excessBlobGas))))
    }
    if let root = block.parentBeaconBlockRoot {
      fields.append(("parentBeaconBlockRoot", .string(root.description)))
    }
    fields.append(("uncles", .array([])))
    fields.append(
      (
        "transactions",
        .array(block.transactions.enumerated().map { transaction($0.element, index: $0.offset) })
      ))
    return .object(fields)
  }

  static func transaction(_ item: BlockTransaction, index: Int) -> FixtureJSON {
    let tx = item.transaction
    var fields: [(String, FixtureJSON)] = [
      ("type", .string(q(UInt64(tx.type.rawValue)))),
      ("chainId", .string(q(tx.chainId ?? 0))),
      ("nonce", .string(q(tx.nonce))),
    ]
    if tx.type == .legacy || tx.type == .accessList {
      fields.append(("gasPrice", .string(tx.gasPrice.hexQuantity)))
    } else {
      fields.append(("maxPriorityFeePerGas", .string(tx.maxPriorityFeePerGas.hexQuantity)))
      fields.append(("maxFeePerGas", .string(tx.maxFeePerGas.hexQuantity)))
    }
    fields += [
      ("gas", .string(q(tx.gasLimit))),
      ("to", tx.to.map { .string($0.description) } ?? .null),
      ("value", .string(tx.value.hexQuantity)),
      ("input", .string(Hex.encode(tx.data))),
    ]
    if tx.type != .legacy {
      fields.append(
        (
          "accessList",
          .array(
            tx.accessList.map { entry in
              .object([
                ("address", .string(entry.address.description)),
                ("storageKeys", .array(entry.storageKeys.map { .string($0.hexWord) })),
              ])
            })
        ))
    }
    fields += [
      ("v", .string(tx.v.hexQuantity)),
      ("r", .string(tx.r.hexQuantity)),
      ("s", .string(tx.s.hexQuantity)),
    ]
    if tx.type != .legacy { fields.append(("yParity", .string(tx.v.hexQuantity))) }
    fields += [
      ("hash", .string(tx.hash.description)),
      ("from", .string(item.sender.description)),
      ("transactionIndex", .string(q(UInt64(index)))),
    ]
    return .object(fields)
  }
}
