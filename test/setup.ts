// Loaded by mocha before every spec (see .mocharc.json): assertion plugins shared by all tests.
import * as chai from "chai";
import chaiAsPromised from "chai-as-promised";

chai.use(chaiAsPromised);
