/// Why a precompile rejected its input. The EVM treats both as an exceptional
/// halt that consumes all the gas given to the call.
public enum PrecompileError: Error, Sendable, Equatable {
  /// The input is malformed: wrong length, a field element out of range, a
  /// point off the curve or outside the subgroup, a bad flag.
  case invalidInput
  /// The operation cannot be paid for (not raised by the pure cores here;
  /// gas is charged by the caller).
  case outOfGas
}
