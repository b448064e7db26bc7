import { z } from 'zod';

/*
 * The Docker Engine API's answers, only the fields ns53 reads (zod drops the rest). Lenient where daemons differ:
 * fields added, renamed or left null across API versions are optional or nullable here, so that an old or new
 * daemon costs a name at worst, never the whole answer. Recorded answers are in fixtures/engine-api/.
 */

/** `GET /version`: the daemon's version, its API version, the kernel it runs on. */
export const EngineVersionSchema = z.object({
  Version: z.string(),
  ApiVersion: z.string(),
  KernelVersion: z.string().nullish(),
  Os: z.string().nullish(),
});

/** One entry of `GET /containers/json` (running containers only, as ns53 asks for it). */
export const ContainerSummarySchema = z.object({
  Id: z.string().min(1),
  /** `["/web"]`; only `Id` is used to inspect. */
  Names: z.array(z.string()).nullish(),
});

export const ContainerListSchema = z.array(ContainerSummarySchema);

/** A container's endpoint on one network; `''` where it has no address of that family. */
export const NetworkEndpointSchema = z.object({
  IPAddress: z.string().nullish(),
  GlobalIPv6Address: z.string().nullish(),
});

/** `GET /containers/{id}/json`. */
export const ContainerInspectSchema = z.object({
  Id: z.string().min(1),
  /** `/web`: the API keeps the leading slash of the old link-based naming. */
  Name: z.string(),
  /** `Pid` is 0 when the container is not running. */
  State: z.object({ Pid: z.number().int().nonnegative() }).nullish(),
  /** `Image` is the name the container was created from (`nginx:1.27`); the top-level `Image` is its sha256 id. */
  Config: z.object({ Image: z.string().nullish() }).nullish(),
  NetworkSettings: z
    .object({
      /** `''` when the container has no sandbox (not started, `--network none` on old daemons). */
      SandboxKey: z.string().nullish(),
      /** Absent or null when the container has no networks (`--network none`, some old daemons while stopped). */
      Networks: z.record(z.string(), NetworkEndpointSchema.nullable()).nullish(),
    })
    .nullish(),
});

/** One object of the `GET /events` stream: `Type` container or network, `Action` start, die, connect… */
export const EngineEventSchema = z.object({
  Type: z.string(),
  /** `start`, `die`, `destroy`, `connect`…; `exec_start: sh -c …` and `health_status: healthy` carry a suffix. */
  Action: z.string(),
  Actor: z.object({
    /** The container's id, or for network events the network's. */
    ID: z.string(),
    /** For network events `container` is the container's id; absent on some old daemons' events. */
    Attributes: z.record(z.string(), z.string()).nullish(),
  }),
  timeNano: z.number().optional(),
});

/** The body of an Engine error answer: `{"message":"No such container: nosuch"}`. */
export const EngineErrorSchema = z.object({ message: z.string() });

export type EngineVersionAnswer = z.infer<typeof EngineVersionSchema>;
export type ContainerSummary = z.infer<typeof ContainerSummarySchema>;
export type ContainerInspect = z.infer<typeof ContainerInspectSchema>;
export type EngineEvent = z.infer<typeof EngineEventSchema>;
