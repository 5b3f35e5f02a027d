import EVM
import EVMPrimitives
import Testing

@Suite struct InstructionTableTests {
  /// Opcodes and the fork that introduced them.
  static let introductions: [(opcode: Int, fork: Fork)] = [
    (0xf4, .homestead), (0x3d, .byzantium), (0x3e, .byzantium), (0xfa, .byzantium),
    (0xfd, .byzantium),
    (0x1b, .constantinople), (0x1c, .constantinople), (0x1d, .constantinople),
    (0x3f, .constantinople),
    (0xf5, .constantinople), (0x46, .istanbul), (0x47, .istanbul), (0x48, .london),
    (0x5f, .shanghai),
    (0x5c, .cancun), (0x5d, .cancun), (0x5e, .cancun), (0x49, .cancun), (0x4a, .cancun),
    (0x1e, .osaka),
  ]

  @Test func opcodesAppearInTheirFork() {
    for (opcode, fork) in Self.introductions {
      for other in Fork.allCases {
        let defined = InstructionTable.forFork(other).staticGas[opcode] >= 0
        #expect(defined == (other >= fork), "opcode 0x\(String(opcode, radix: 16)) in \(other)")
      }
    }
  }

  @Test func undefinedOpcodesStayUndefined() {
    let osaka = InstructionTable.forFork(.osaka)
    for opcode in [0x0c, 0x0f, 0x1f, 0x21, 0x4b, 0x4f, 0xa5, 0xef, 0xf6, 0xf9, 0xfb, 0xfc, 0xfe] {
      #expect(osaka.staticGas[opcode] == -1, "0x\(String(opcode, radix: 16))")
    }
  }

  @Test func gasRepricingsByFork() {
    func gas(_ op: Int, _ fork: Fork) -> Int32 { InstructionTable.forFork(fork).staticGas[op] }
    // SLOAD: 50 → 200 (EIP-150) → 800 (EIP-1884) → dynamic (EIP-2929).
    #expect(gas(0x54, .frontier) == 50)
    #expect(gas(0x54, .tangerineWhistle) == 200)
    #expect(gas(0x54, .istanbul) == 800)
    #expect(gas(0x54, .berlin) == 0)
    // BALANCE: 20 → 400 → 700 → dynamic.
    #expect(gas(0x31, .frontier) == 20)
    #expect(gas(0x31, .tangerineWhistle) == 400)
    #expect(gas(0x31, .istanbul) == 700)
    #expect(gas(0x31, .berlin) == 0)
    // CALL: 40 → 700 → dynamic; SELFDESTRUCT 0 → 5000.
    #expect(gas(0xf1, .frontier) == 40)
    #expect(gas(0xf1, .tangerineWhistle) == 700)
    #expect(gas(0xf1, .berlin) == 0)
    #expect(gas(0xff, .frontier) == 0)
    #expect(gas(0xff, .tangerineWhistle) == 5000)
    #expect(gas(0xa4, .frontier) == 1875)
  }

  @Test func stackBoundsComeFromTheStackEffect() {
    let table = InstructionTable.forFork(.osaka)
    // DUP16 needs 16 items and grows the stack by one.
    #expect(table.minStack[0x8f] == 16)
    #expect(table.maxStack[0x8f] == 1023)
    // SWAP16 needs 17 and does not grow it.
    #expect(table.minStack[0x9f] == 17)
    #expect(table.maxStack[0x9f] == 1024)
    // CALL pops 7, pushes 1.
    #expect(table.minStack[0xf1] == 7)
    #expect(table.maxStack[0xf1] == 1024)
    // PUSH1 pushes one.
    #expect(table.minStack[0x60] == 0)
    #expect(table.maxStack[0x60] == 1023)
  }
}
