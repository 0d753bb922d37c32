/**
 * The GitOps program: everything is in customers.yaml; this file never changes. The whole catalog
 * is validated before anything is declared (see ../../catalog/load.ts).
 */
import { catalogProgram } from "../../catalog/program";

export = () => catalogProgram(__dirname, "customers.yaml");
