import EVM
import EVMPrimitives
import Testing

@Suite struct BytecodeTests {
  /// A copy is a distinct object with the same bytes, hash and jump
  /// destinations (PUSH data that looks like JUMPDEST stays invalid).
  @Test func copyingKeepsEverythingButIdentity() {
    // PUSH1 0x5b, JUMPDEST, STOP
    let original = Bytecode([0x60, 0x5b, 0x5b, 0x00])
    let copy = Bytecode(copying: original)
    #expect(copy !== original)
    #expect(Array(copy.bytes) == Array(original.bytes))
    #expect(copy.padded == original.padded)
    #expect(copy.count == original.count && copy.hash == original.hash)
    for offset in 0..<6 {
      #expect(
        copy.isJumpDestination(UInt256(UInt64(offset)))
          == original.isJumpDestination(UInt256(UInt64(offset))))
    }
    #expect(copy.isJumpDestination(UInt256(2)) && !copy.isJumpDestination(UInt256(1)))
  }

  /// The empty code hash is a literal; it must be the hash of no bytes.
  @Test func emptyHashIsTheHashOfNoBytes() {
    #expect(Keccak256.emptyHash == Keccak256.hash([UInt8]()))
    #expect(Bytecode.empty.hash == Keccak256.emptyHash)
  }
}
