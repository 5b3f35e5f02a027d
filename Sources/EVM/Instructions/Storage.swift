import EVMPrimitives

extension EVM {
  /// Charges SSTORE's gas and books its refund, by fork: Frontier's set/reset
  /// rule, EIP-2200 net metering from Istanbul, EIP-2929 cold slots from
  /// Berlin, EIP-3529 refunds from London. False when out of gas.

  func sstoreGas(_ frame: Frame, key: UInt256, newValue: UInt256) -> Bool {
    let (original, current, wasCold) = state.storageForWrite(frame.message.target, key)
    var cost: Int64
    if fork < .istanbul {
      cost = (!newValue.isZero && current.isZero) ? 20000 : 5000
      if newValue.isZero && !current.isZero { state.refund += 15000 }
    } else {
      let sloadGas: Int64 = fork >= .berlin ? 100 : 800
      let resetGas: Int64 = fork >= .berlin ? 5000 - 2100 : 5000
      let clearRefund: Int64 = fork >= .london ? 4800 : 15000
      cost = 0
      if fork >= .berlin && wasCold { cost += 2100 }
      if original == current && current != newValue {
        cost += original.isZero ? 20000 : resetGas
      } else {
        cost += sloadGas
      }
      if current != newValue {
        if !original.isZero && !current.isZero && newValue.isZero { state.refund += clearRefund }
        if !original.isZero && current.isZero { state.refund -= clearRefund }
        if original == newValue {
          state.refund += original.isZero ? 20000 - sloadGas : resetGas - sloadGas
        }
      }
    }
    frame.gas -= cost
    return frame.gas >= 0
  }

  /// SELFDESTRUCT; `nil` on success (the frame halts), else the halt reason.
  func selfDestruct(_ frame: Frame, beneficiary: Address) -> Halt? {
    let message = frame.message
    var cost: Int64 = 0  // the base 5000 (EIP-150) is in the static table
    if fork >= .berlin && state.warmAccount(beneficiary) { cost += 2600 }
    let balance = state.balance(message.target)
    if fork >= .spuriousDragon {
      if state.isDead(beneficiary) && !balance.isZero { cost += 25000 }
    } else if fork >= .tangerineWhistle {
      if !state.exists(beneficiary) { cost += 25000 }
    }
    frame.gas -= cost
    if frame.gas < 0 { return .outOfGas }
    if message.isStatic { return .staticStateChange }
    if fork < .london && !state.isSelfDestructed(message.target) { state.refund += 24000 }
    // move_ether(originator → beneficiary, balance)
    if beneficiary != message.target {
      state.subtractBalance(message.target, balance)
      state.addBalance(beneficiary, balance)
    }
    if fork >= .cancun {
      if state.isCreatedInTransaction(message.target) {
        state.setBalance(message.target, .zero)
        state.markSelfDestructed(message.target)
      }
    } else {
      state.setBalance(message.target, .zero)
      state.markSelfDestructed(message.target)
      if fork >= .spuriousDragon && fork < .paris && state.isDead(beneficiary) {
        state.touch(beneficiary)
      }
    }
    return nil
  }
}
