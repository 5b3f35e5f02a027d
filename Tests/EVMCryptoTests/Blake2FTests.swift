import EVMCrypto
import EVMPrimitives
import Testing

@Suite struct Blake2FTests {
  @Test func specVectors() throws {
    let cases = try PrecompileVectors.load("blake2f")
    #expect(cases.count >= 30)
    var passed = 0
    var rejected = 0
    for c in cases {
      #expect(Blake2F.gas(input: c.input) == c.gas("gas"))
      if let expected = c.output {
        let out = try Blake2F.run(input: c.input)
        #expect(Hex.encode(out) == Hex.encode(expected))
        passed += 1
      } else {
        #expect(throws: PrecompileError.invalidInput) { try Blake2F.run(input: c.input) }
        rejected += 1
      }
    }
    print("blake2f: \(passed) outputs, \(rejected) rejections checked")
  }

  /// EIP-152 test vector 5 (12 rounds), written out independently of the JSON.
  @Test func eip152Vector5() throws {
    let input = try #require(
      Hex.decode(
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b61626300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000300000000000000000000000000000001"
      ))
    #expect(Blake2F.gas(input: input) == 12)
    #expect(
      Hex.encode(try Blake2F.run(input: input), prefix: false)
        == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
    )
    var badFlag = input
    badFlag[212] = 2
    #expect(throws: PrecompileError.invalidInput) { try Blake2F.run(input: badFlag) }
    #expect(throws: PrecompileError.invalidInput) {
      try Blake2F.run(input: Array(input.dropLast()))
    }
    #expect(Blake2F.gas(input: Array(input.dropLast())) == 0)
  }
}
