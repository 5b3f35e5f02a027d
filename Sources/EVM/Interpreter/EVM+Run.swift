import EVMPrimitives

#if canImport(Glibc)
  import Glibc
#endif

extension EVM {
  /// Runs `frame` until it halts or needs a child frame: the interpreter loop.
  ///
  /// One `switch` over the opcode byte. The stack height is checked once per
  /// opcode against the fork's instruction table; static gas is charged from
  /// the same table; dynamic gas is charged in the instruction. Every case
  /// lists its opcodes as literals, not as ranges: range patterns are tested
  /// one after another, literals compile to a single jump table.
  @usableFromInline
  func run(_ frame: Frame) -> FrameAction {
    let code = frame.code.padded
    let ops = table.entries
    let s = frame.stack
    let message = frame.message
    return code.withUnsafeBufferPointer { codeBuffer -> FrameAction in
      let c = codeBuffer.baseAddress!
      var pc = frame.pc
      var sp = frame.stackCount
      @inline(__always) func sync() {
        frame.pc = pc
        frame.stackCount = sp
      }
      @inline(__always) func fail(_ halt: Halt) -> FrameAction {
        sync()
        frame.gas = 0
        return .halt(.failure(halt), [])
      }
      while true {
        let op = Int(c[pc])
        if tracing {
          EVMTrace.write(
            "{\"pc\":\(pc),\"op\":\(op),\"gas\":\(frame.gas),\"depth\":\(message.depth + 1),\"refund\":\(state.refund)}\n"
          )
        }
        let entry = ops[op]
        let cost = Int64(entry.gas)
        if cost < 0 { return fail(.invalidOpcode) }
        let minStack = Int(entry.minStack)
        if UInt(bitPattern: sp &- minStack) > UInt(entry.stackRange) {
          return fail(sp < minStack ? .stackUnderflow : .stackOverflow)
        }
        frame.gas &-= cost
        if frame.gas < 0 { return fail(.outOfGas) }

        switch op {
        case 0x00:  // STOP
          sync()
          return .halt(.success, [])
        case 0x01:  // ADD
          s[sp - 2] = s[sp - 1] &+ s[sp - 2]
          sp -= 1
        case 0x02:  // MUL
          s[sp - 2] = s[sp - 1] &* s[sp - 2]
          sp -= 1
        case 0x03:  // SUB
          s[sp - 2] = s[sp - 1] &- s[sp - 2]
          sp -= 1
        case 0x04:  // DIV
          s[sp - 2] = s[sp - 1].quotient(dividingBy: s[sp - 2])
          sp -= 1
        case 0x05:  // SDIV
          s[sp - 2] = s[sp - 1].signedQuotient(dividingBy: s[sp - 2])
          sp -= 1
        case 0x06:  // MOD
          s[sp - 2] = s[sp - 1].remainder(dividingBy: s[sp - 2])
          sp -= 1
        case 0x07:  // SMOD
          s[sp - 2] = s[sp - 1].signedRemainder(dividingBy: s[sp - 2])
          sp -= 1
        case 0x08:  // ADDMOD
          s[sp - 3] = s[sp - 1].addMod(s[sp - 2], s[sp - 3])
          sp -= 2
        case 0x09:  // MULMOD
          s[sp - 3] = s[sp - 1].mulMod(s[sp - 2], s[sp - 3])
          sp -= 2
        case 0x0a:  // EXP
          let exponent = s[sp - 2]
          frame.gas -= Int64(exponent.byteWidth) * (fork >= .spuriousDragon ? 50 : 10)
          if frame.gas < 0 { return fail(.outOfGas) }
          s[sp - 2] = s[sp - 1].power(exponent)
          sp -= 1
        case 0x0b:  // SIGNEXTEND
          s[sp - 2] = s[sp - 2].signExtended(fromByte: s[sp - 1])
          sp -= 1
        case 0x10:  // LT
          s[sp - 2] = s[sp - 1] < s[sp - 2] ? .one : .zero
          sp -= 1
        case 0x11:  // GT
          s[sp - 2] = s[sp - 1] > s[sp - 2] ? .one : .zero
          sp -= 1
        case 0x12:  // SLT
          s[sp - 2] = s[sp - 1].signedLessThan(s[sp - 2]) ? .one : .zero
          sp -= 1
        case 0x13:  // SGT
          s[sp - 2] = s[sp - 1].signedGreaterThan(s[sp - 2]) ? .one : .zero
          sp -= 1
        case 0x14:  // EQ
          s[sp - 2] = s[sp - 1] == s[sp - 2] ? .one : .zero
          sp -= 1
        case 0x15:  // ISZERO
          s[sp - 1] = s[sp - 1].isZero ? .one : .zero
        case 0x16:  // AND
          s[sp - 2] = s[sp - 1] & s[sp - 2]
          sp -= 1
        case 0x17:  // OR
          s[sp - 2] = s[sp - 1] | s[sp - 2]
          sp -= 1
        case 0x18:  // XOR
          s[sp - 2] = s[sp - 1] ^ s[sp - 2]
          sp -= 1
        case 0x19:  // NOT
          s[sp - 1] = ~s[sp - 1]
        case 0x1a:  // BYTE
          s[sp - 2] = s[sp - 2].byte(at: s[sp - 1])
          sp -= 1
        case 0x1b:  // SHL
          s[sp - 2] = s[sp - 2].shiftedLeft(by: s[sp - 1])
          sp -= 1
        case 0x1c:  // SHR
          s[sp - 2] = s[sp - 2].shiftedRight(by: s[sp - 1])
          sp -= 1
        case 0x1d:  // SAR
          s[sp - 2] = s[sp - 2].arithmeticShiftedRight(by: s[sp - 1])
          sp -= 1
        case 0x1e:  // CLZ
          s[sp - 1] = UInt256(UInt64(s[sp - 1].leadingZeroBitCount))

        case 0x20:  // KECCAK256
          let offset = s[sp - 1]
          let size = s[sp - 2]
          guard frame.expandMemory(offset, size) else { return fail(.outOfGas) }
          frame.gas -= 6 * Int64((size.w0 + 31) / 32)
          if frame.gas < 0 { return fail(.outOfGas) }
          let n = Int(size.w0)
          let start = n == 0 ? 0 : Int(offset.w0)
          s[sp - 2] =
            Keccak256.hash(UnsafeRawBufferPointer(start: frame.memory.buffer + start, count: n))
            .word
          sp -= 1

        case 0x30:  // ADDRESS
          s[sp] = message.target.word
          sp += 1
        case 0x31:  // BALANCE
          let address = Address(word: s[sp - 1])
          if fork >= .berlin {
            frame.gas -= accessCost(address)
            if frame.gas < 0 { return fail(.outOfGas) }
          }
          s[sp - 1] = state.balance(address)
        case 0x32:  // ORIGIN
          s[sp] = transaction.origin.word
          sp += 1
        case 0x33:  // CALLER
          s[sp] = message.caller.word
          sp += 1
        case 0x34:  // CALLVALUE
          s[sp] = message.value
          sp += 1
        case 0x35:  // CALLDATALOAD
          let offset = s[sp - 1]
          let count = message.input.count
          if offset.fitsInUInt64 && offset.w0 < UInt64(count) {
            let start = Int(offset.w0)
            let available = count - start
            s[sp - 1] = message.input.withUnsafeBytes { input in
              let p = input.baseAddress! + start
              if available >= 32 { return UInt256(bigEndianPointer: p) }
              // Past the end of the input reads zeros: the bytes there are
              // the high bytes of the word, shifted up.
              let word = UInt256(bigEndianPrefix: p, count: available)
              return word << ((32 - available) * 8)
            }
          } else {
            s[sp - 1] = .zero
          }
        case 0x36:  // CALLDATASIZE
          s[sp] = UInt256(UInt64(message.input.count))
          sp += 1
        case 0x37, 0x39, 0x3e:  // CALLDATACOPY, CODECOPY, RETURNDATACOPY
          let destination = s[sp - 1]
          let source = s[sp - 2]
          let size = s[sp - 3]
          sp -= 3
          if op == 0x3e {
            // Reading past the return data is an exceptional halt.
            let (end, overflow) = source.addingReportingOverflow(size)
            if overflow || end > UInt256(UInt64(frame.returnData.count)) {
              return fail(.returnDataOutOfBounds)
            }
          }
          guard frame.expandMemory(destination, size) else { return fail(.outOfGas) }
          frame.gas -= 3 * Int64((size.w0 + 31) / 32)
          if frame.gas < 0 { return fail(.outOfGas) }
          let n = Int(size.w0)
          if n > 0 {
            let to = Int(destination.w0)
            switch op {
            case 0x37: frame.memory.write(to, n, from: message.input, sourceOffset: source)
            case 0x39: frame.memory.write(to, n, from: frame.code.bytes, sourceOffset: source)
            default: frame.memory.write(to, n, from: frame.returnData, sourceOffset: source)
            }
          }
        case 0x38:  // CODESIZE
          s[sp] = UInt256(UInt64(frame.code.count))
          sp += 1
        case 0x3a:  // GASPRICE
          s[sp] = transaction.gasPrice
          sp += 1
        case 0x3b:  // EXTCODESIZE
          let address = Address(word: s[sp - 1])
          if fork >= .berlin {
            frame.gas -= accessCost(address)
            if frame.gas < 0 { return fail(.outOfGas) }
          }
          s[sp - 1] = UInt256(UInt64(state.code(address).count))
        case 0x3c:  // EXTCODECOPY
          let address = Address(word: s[sp - 1])
          let destination = s[sp - 2]
          let source = s[sp - 3]
          let size = s[sp - 4]
          sp -= 4
          guard frame.expandMemory(destination, size) else { return fail(.outOfGas) }
          frame.gas -= 3 * Int64((size.w0 + 31) / 32)
          if fork >= .berlin { frame.gas -= accessCost(address) }
          if frame.gas < 0 { return fail(.outOfGas) }
          let n = Int(size.w0)
          if n > 0 {
            frame.memory.write(
              Int(destination.w0), n, from: state.code(address).bytes, sourceOffset: source)
          }
        case 0x3d:  // RETURNDATASIZE
          s[sp] = UInt256(UInt64(frame.returnData.count))
          sp += 1
        case 0x3f:  // EXTCODEHASH
          let address = Address(word: s[sp - 1])
          if fork >= .berlin {
            frame.gas -= accessCost(address)
            if frame.gas < 0 { return fail(.outOfGas) }
          }
          s[sp - 1] = state.isDead(address) ? .zero : state.codeHash(address).word

        case 0x40:  // BLOCKHASH
          let number = s[sp - 1]
          if number.fitsInUInt64 && number.w0 < block.number && block.number - number.w0 <= 256 {
            s[sp - 1] = state.view.blockHash(number.w0).word
          } else {
            s[sp - 1] = .zero
          }
        case 0x41:  // COINBASE
          s[sp] = block.coinbase.word
          sp += 1
        case 0x42:  // TIMESTAMP
          s[sp] = UInt256(block.timestamp)
          sp += 1
        case 0x43:  // NUMBER
          s[sp] = UInt256(block.number)
          sp += 1
        case 0x44:  // DIFFICULTY / PREVRANDAO
          s[sp] = fork >= .paris ? block.prevRandao.word : block.difficulty
          sp += 1
        case 0x45:  // GASLIMIT
          s[sp] = UInt256(block.gasLimit)
          sp += 1
        case 0x46:  // CHAINID
          s[sp] = UInt256(block.chainId)
          sp += 1
        case 0x47:  // SELFBALANCE
          s[sp] = state.balance(message.target)
          sp += 1
        case 0x48:  // BASEFEE
          s[sp] = block.baseFee
          sp += 1
        case 0x49:  // BLOBHASH
          let index = s[sp - 1]
          if index.fitsInUInt64 && index.w0 < UInt64(transaction.blobVersionedHashes.count) {
            s[sp - 1] = transaction.blobVersionedHashes[Int(index.w0)].word
          } else {
            s[sp - 1] = .zero
          }
        case 0x4a:  // BLOBBASEFEE
          s[sp] = block.blobBaseFee
          sp += 1

        case 0x50:  // POP
          sp -= 1
        case 0x51:  // MLOAD
          guard frame.expandMemory(s[sp - 1], UInt256(32)) else { return fail(.outOfGas) }
          s[sp - 1] = frame.memory.loadWord(Int(s[sp - 1].w0))
        case 0x52:  // MSTORE
          guard frame.expandMemory(s[sp - 1], UInt256(32)) else { return fail(.outOfGas) }
          frame.memory.storeWord(Int(s[sp - 1].w0), s[sp - 2])
          sp -= 2
        case 0x53:  // MSTORE8
          guard frame.expandMemory(s[sp - 1], .one) else { return fail(.outOfGas) }
          frame.memory.storeByte(Int(s[sp - 1].w0), UInt8(truncatingIfNeeded: s[sp - 2].w0))
          sp -= 2
        case 0x54:  // SLOAD
          let (value, wasCold) = state.sload(message.target, s[sp - 1])
          if fork >= .berlin {
            frame.gas -= wasCold ? 2100 : 100
            if frame.gas < 0 { return fail(.outOfGas) }
          }
          s[sp - 1] = value
        case 0x55:  // SSTORE
          if message.isStatic { return fail(.staticStateChange) }
          if fork >= .istanbul && frame.gas <= 2300 { return fail(.outOfGas) }
          let key = s[sp - 1]
          let newValue = s[sp - 2]
          sp -= 2
          guard sstoreGas(frame, key: key, newValue: newValue) else { return fail(.outOfGas) }
          state.sstore(message.target, key, newValue)
        case 0x56:  // JUMP
          let destination = s[sp - 1]
          sp -= 1
          guard frame.code.isJumpDestination(destination) else { return fail(.invalidJump) }
          pc = Int(destination.w0)
          continue
        case 0x57:  // JUMPI
          let destination = s[sp - 1]
          let condition = s[sp - 2]
          sp -= 2
          if !condition.isZero {
            guard frame.code.isJumpDestination(destination) else { return fail(.invalidJump) }
            pc = Int(destination.w0)
            continue
          }
        case 0x58:  // PC
          s[sp] = UInt256(UInt64(pc))
          sp += 1
        case 0x59:  // MSIZE
          s[sp] = UInt256(UInt64(frame.memory.size))
          sp += 1
        case 0x5a:  // GAS
          s[sp] = UInt256(UInt64(frame.gas))
          sp += 1
        case 0x5b:  // JUMPDEST
          break
        case 0x5c:  // TLOAD
          s[sp - 1] = state.tload(message.target, s[sp - 1])
        case 0x5d:  // TSTORE
          if message.isStatic { return fail(.staticStateChange) }
          state.tstore(message.target, s[sp - 1], s[sp - 2])
          sp -= 2
        case 0x5e:  // MCOPY
          let destination = s[sp - 1]
          let source = s[sp - 2]
          let size = s[sp - 3]
          sp -= 3
          if !size.isZero {
            guard source.fitsInUInt64, destination.fitsInUInt64, source.w0 <= 0xffff_ffff,
              destination.w0 <= 0xffff_ffff, size.fitsInUInt64, size.w0 <= 0xffff_ffff
            else { return fail(.outOfGas) }
            frame.gas -= 3 * Int64((size.w0 + 31) / 32)
            if frame.gas < 0 { return fail(.outOfGas) }
            guard frame.expandMemory(end: Int(max(source.w0, destination.w0) + size.w0)) else {
              return fail(.outOfGas)
            }
            frame.memory.copyWithin(
              destination: Int(destination.w0), source: Int(source.w0), count: Int(size.w0))
          }
        case 0x5f:  // PUSH0
          s[sp] = .zero
          sp += 1
        // PUSH1…PUSH32: the code is padded with 33 zero bytes, so the
        // immediate is read with whole-word loads and no bounds check.
        case 0x60:  // PUSH1
          s[sp] = UInt256(UInt64(c[pc + 1]))
          sp += 1
          pc += 1
        case 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67:  // PUSH2…PUSH8: one big-endian load, shifted
          let n = op - 0x5f
          let bytes = UnsafeRawPointer(c + pc + 1).loadUnaligned(as: UInt64.self)
          s[sp] = UInt256(UInt64(bigEndian: bytes) &>> UInt64(64 - 8 * n))
          sp += 1
          pc += n
        case 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75,
          0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f:  // PUSH9…PUSH32
          let n = op - 0x5f
          s[sp] = UInt256(pushImmediate: UnsafeRawPointer(c + pc + 1), count: n)
          sp += 1
          pc += n
        case 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d,
          0x8e, 0x8f:  // DUP1…DUP16
          s[sp] = s[sp - (op - 0x7f)]
          sp += 1
        case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d,
          0x9e, 0x9f:  // SWAP1…SWAP16
          let other = sp - 1 - (op - 0x8f)
          let top = s[sp - 1]
          s[sp - 1] = s[other]
          s[other] = top
        case 0xa0, 0xa1, 0xa2, 0xa3, 0xa4:  // LOG0…LOG4
          if message.isStatic { return fail(.staticStateChange) }
          let offset = s[sp - 1]
          let size = s[sp - 2]
          let topicCount = op - 0xa0
          guard frame.expandMemory(offset, size) else { return fail(.outOfGas) }
          frame.gas -= 8 * Int64(size.w0)
          if frame.gas < 0 { return fail(.outOfGas) }
          var topics = [Bytes32]()
          topics.reserveCapacity(topicCount)
          for i in 0..<topicCount { topics.append(Bytes32(word: s[sp - 3 - i])) }
          sp -= 2 + topicCount
          let data = frame.memory.bytes(size.isZero ? 0 : Int(offset.w0), Int(size.w0))
          state.log(Log(address: message.target, topics: topics, data: data))

        case 0xf0, 0xf5:  // CREATE, CREATE2
          sync()
          if let action = create(frame, isCreate2: op == 0xf5) {
            frame.pc = pc + 1
            return action
          }
          sp = frame.stackCount
          if frame.gas < 0 { return fail(.outOfGas) }
        case 0xf1, 0xf2, 0xf4, 0xfa:  // CALL, CALLCODE, DELEGATECALL, STATICCALL
          sync()
          switch call(frame, opcode: op) {
          case .halt(let halt): return fail(halt)
          case .continue: sp = frame.stackCount
          case .start(let child):
            frame.pc = pc + 1
            return .call(child)
          }
        case 0xf3, 0xfd:  // RETURN, REVERT
          let offset = s[sp - 1]
          let size = s[sp - 2]
          sp -= 2
          guard frame.expandMemory(offset, size) else { return fail(.outOfGas) }
          let output = frame.memory.bytes(size.isZero ? 0 : Int(offset.w0), Int(size.w0))
          sync()
          return .halt(op == 0xf3 ? .success : .revert, output)
        case 0xff:  // SELFDESTRUCT
          let beneficiary = Address(word: s[sp - 1])
          sp -= 1
          sync()
          if let halt = selfDestruct(frame, beneficiary: beneficiary) { return fail(halt) }
          return .halt(.success, [])
        default:
          return fail(.invalidOpcode)
        }
        pc += 1
      }
    }
  }
}
