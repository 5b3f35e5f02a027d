import EVMPrimitives

/// The outcome of a CALL-family instruction before any child runs.
@usableFromInline
enum CallStep {
  case halt(Halt)
  /// The instruction completed without a child frame (result pushed).
  case `continue`
  case start(Message)
}

extension EVM {
  /// All but one 64th (EIP-150).

  func allButOne64th(_ gas: Int64) -> Int64 { gas - gas / 64 }

  /// CALL, CALLCODE, DELEGATECALL, STATICCALL: gas, memory, value checks;
  /// returns the child message to run, or the result when no child runs.
  func call(_ frame: Frame, opcode: Int) -> CallStep {
    let message = frame.message
    let s = frame.stack
    var sp = frame.stackCount
    let requestedGas = s[sp - 1]
    let to = Address(word: s[sp - 2])
    let hasValue = opcode == 0xf1 || opcode == 0xf2
    let value = hasValue ? s[sp - 3] : .zero
    let base = hasValue ? sp - 4 : sp - 3
    let inOffset = s[base]
    let inSize = s[base - 1]
    let outOffset = s[base - 2]
    let outSize = s[base - 3]
    sp = base - 3
    frame.stackCount = sp

    // Memory for input and output (one expansion to the larger end).
    guard frame.expandMemory(inOffset, inSize), frame.expandMemory(outOffset, outSize) else {
      return .halt(.outOfGas)
    }

    var extra: Int64 = 0
    var codeAddress = to
    if fork >= .berlin { extra += accessCost(to) }
    var code: Bytecode? = nil
    if fork >= .prague {
      // EIP-7702: calls to a delegated account run the delegate's code.
      let targetCode = state.code(to)
      if let delegate = targetCode.delegationTarget {
        extra += accessCost(delegate)
        codeAddress = delegate
        code = state.code(delegate)
      } else {
        code = targetCode
      }
    }
    if opcode == 0xf1 {
      if fork >= .spuriousDragon {
        if !value.isZero && state.isDead(to) { extra += 25000 }
      } else if !state.exists(to) {
        extra += 25000
      }
    }
    if !value.isZero { extra += 9000 }

    // EIP-150: the child gets at most all but one 64th of what is left.
    var childGas: Int64
    if fork >= .tangerineWhistle {
      if frame.gas < extra {
        return .halt(.outOfGas)
      }
      let cap = allButOne64th(frame.gas - extra)
      childGas =
        requestedGas.fitsInUInt64 && requestedGas.w0 < UInt64(cap) ? Int64(requestedGas.w0) : cap
    } else {
      guard requestedGas.fitsInUInt64, requestedGas.w0 <= UInt64(Int64.max / 2) else {
        return .halt(.outOfGas)
      }
      childGas = Int64(requestedGas.w0)
    }
    frame.gas -= extra + childGas
    if frame.gas < 0 { return .halt(.outOfGas) }
    if opcode == 0xf1 && message.isStatic && !value.isZero { return .halt(.staticStateChange) }
    if !value.isZero { childGas += 2300 }

    frame.returnData = []
    frame.returnOffset = outSize.isZero ? 0 : Int(outOffset.w0)
    frame.returnSize = outSize.isZero ? 0 : Int(outSize.w0)

    if hasValue && state.balance(message.target) < value {
      frame.gas += childGas
      frame.push(.zero)
      return .continue
    }
    if message.depth + 1 > callDepthLimit {
      frame.gas += childGas
      frame.push(.zero)
      return .continue
    }
    let input = frame.memory.bytes(inSize.isZero ? 0 : Int(inOffset.w0), Int(inSize.w0))
    let childCode = code ?? state.code(codeAddress)
    let child: Message
    switch opcode {
    case 0xf1:
      child = Message(
        kind: .call, caller: message.target, target: to, codeAddress: codeAddress, value: value,
        input: input, gas: childGas, depth: message.depth + 1, isStatic: message.isStatic,
        shouldTransferValue: true, code: childCode)
    case 0xf2:
      child = Message(
        kind: .callCode, caller: message.target, target: message.target, codeAddress: codeAddress,
        value: value, input: input, gas: childGas, depth: message.depth + 1,
        isStatic: message.isStatic, shouldTransferValue: true, code: childCode)
    case 0xf4:
      child = Message(
        kind: .delegateCall, caller: message.caller, target: message.target,
        codeAddress: codeAddress, value: message.value, input: input, gas: childGas,
        depth: message.depth + 1, isStatic: message.isStatic, shouldTransferValue: false,
        code: childCode)
    default:
      child = Message(
        kind: .staticCall, caller: message.target, target: to, codeAddress: codeAddress,
        value: .zero, input: input, gas: childGas, depth: message.depth + 1, isStatic: true,
        shouldTransferValue: true, code: childCode)
    }
    return .start(child)
  }

  /// CREATE and CREATE2; returns the child to run, or `nil` when the
  /// instruction finished here (result pushed, or `frame.gas < 0` for out of gas).
  func create(_ frame: Frame, isCreate2: Bool) -> FrameAction? {
    let message = frame.message
    let s = frame.stack
    var sp = frame.stackCount
    let value = s[sp - 1]
    let offset = s[sp - 2]
    let size = s[sp - 3]
    let salt = isCreate2 ? s[sp - 4] : .zero
    sp -= isCreate2 ? 4 : 3
    frame.stackCount = sp
    guard frame.expandMemory(offset, size) else {
      frame.gas = -1
      return nil
    }
    let words = Int64((size.w0 + 31) / 32)
    if fork >= .shanghai {
      if size.w0 > 2 * 24_576 {
        frame.gas = -1
        return nil
      }
      frame.gas -= 2 * words  // EIP-3860 initcode word cost
    }
    if isCreate2 { frame.gas -= 6 * words }  // hashing the initcode
    if frame.gas < 0 { return nil }
    if message.isStatic {
      frame.gas = -1
      return nil
    }
    let initcode = frame.memory.bytes(size.isZero ? 0 : Int(offset.w0), Int(size.w0))
    let childGas = fork >= .tangerineWhistle ? allButOne64th(frame.gas) : frame.gas
    frame.gas -= childGas
    frame.returnData = []
    let senderNonce = state.nonce(message.target)
    if state.balance(message.target) < value || senderNonce == UInt64.max
      || message.depth + 1 > callDepthLimit
    {
      frame.gas += childGas
      frame.push(.zero)
      return nil
    }
    let newAddress =
      isCreate2
      ? ContractAddress.create2(
        sender: message.target, salt: salt, initcodeHash: Keccak256.hash(initcode))
      : ContractAddress.create(sender: message.target, nonce: senderNonce)
    if fork >= .berlin { _ = state.warmAccount(newAddress) }
    if state.hasCollision(newAddress) {
      state.incrementNonce(message.target)
      frame.push(.zero)
      return nil
    }
    state.incrementNonce(message.target)
    let child = Message(
      kind: isCreate2 ? .create2 : .create, caller: message.target, target: newAddress,
      codeAddress: newAddress, value: value, input: [], gas: childGas, depth: message.depth + 1,
      isStatic: false, shouldTransferValue: true, code: Bytecode(initcode))
    return .call(child)
  }
}

/// Contract address derivation.
public enum ContractAddress {
  /// CREATE: keccak256(rlp([sender, nonce]))[12:].
  public static func create(sender: Address, nonce: UInt64) -> Address {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      list.append(sender)
      list.append(nonce)
    }
    return Address(bytes: Keccak256.hash(encoder.bytes).bytes[12...])
  }

  /// CREATE2 (EIP-1014): keccak256(0xff ‖ sender ‖ salt ‖ keccak256(initcode))[12:].
  public static func create2(sender: Address, salt: UInt256, initcodeHash: Bytes32) -> Address {
    var bytes: [UInt8] = [0xff]
    bytes += sender.bytes
    bytes += salt.bigEndianBytes
    bytes += initcodeHash.bytes
    return Address(bytes: Keccak256.hash(bytes).bytes[12...])
  }
}
