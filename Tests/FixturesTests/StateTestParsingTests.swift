import Fixtures
import XCTest
