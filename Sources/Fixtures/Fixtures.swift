/// JSON formats: block fixtures, state tests, blockchain tests.
public enum FixturesModule {}
