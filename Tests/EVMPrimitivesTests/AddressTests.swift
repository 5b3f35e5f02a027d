import EVMPrimitives
import Testing

@Suite struct AddressTests {
  @Test func hexRoundTrip() throws {
    let text = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
    let address = try #require(Address(hex: text))
    #expect(address.description == text)
    #expect(Address(word: address.word) == address)
  }

  @Test func wordTruncatesToLow160Bits() {
    let word = UInt256(
      w0: 0x1122_3344_5566_7788, w1: 0x99aa_bbcc_ddee_ff00, w2: 0xdead_beef_0102_0304, w3: 7)
    let address = Address(word: word)
    #expect(address.description == "0x0102030499aabbccddeeff001122334455667788")
  }

  @Test func forkNamesAndOrder() {
    #expect(Fork(name: "ConstantinopleFix") == .petersburg)
    #expect(Fork(name: "Merge") == .paris)
    #expect(Fork.berlin < .london)
    for fork in Fork.allCases { #expect(Fork(name: fork.description) == fork) }
  }
}
