/**
 * The main job: the partner's customers as declared in the catalog file (`catalogFile` in the
 * stack configuration, default `catalog/customers.yaml`). See `catalog/customers.yaml` for the
 * format and `examples/catalog` for the same program laid out as a team's GitOps repository.
 */
import { catalogProgram } from "./catalog/program";

export = () => catalogProgram(__dirname, "catalog/customers.yaml");
