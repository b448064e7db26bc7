// Container ids and pod uids as they appear in real cgroup files, for the tests of the /proc container scan:
// where each was seen is said next to it.

/** The lab's container `web` (fixtures/engine-api/inspect-web.json). */
export const WEB_ID = '4c0732f8cba19ae64ce731403f51277510fb41efacb4cd0cd10abf33d6e8855f';
/** The lab's other container, whose cgroupsPath `/docker/<id>` dockerd sends containerd in fixtures/replay/mixed--ttt-T-yy. */
export const API_ID = 'ec55e188570b8e7e6a20b44638cc9f5f129bc769f555e8cb08e7ee5a83604169';
/** A podman container, from `podman --log-level debug run`'s "Running conmon under slice machine.slice" line. */
export const PODMAN_ID = '6dd05e91f00f99281f70b1fd90a29e5cc30b0dab243cb7cfb6153d8017872394';
/** A rootless podman container, from containers/crun#106. */
export const ROOTLESS_PODMAN_ID = '498cc4ceeee46ea3a04a12b8e495989c92074ae1513081332fed5312a2d9dc68';
/** A pod's container and its pod's uid, from Qard/container-info's test fixtures (cgroupfs kubelet). */
export const POD_CONTAINER_ID = '34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376';
export const POD_UID = '74c13223-5a00-11e9-b385-42010a80018d';
/** A rootless kubelet's container, from the patch that added its Rootless feature gate. */
export const CRI_CONTAINER_ID = '6938564e754ad86269a536ed19172af0eff5f7ff0a41eefc5b433a76f1f38f16';

/** The pod's slice under the kubelet's systemd driver, which spells the uid's dashes as underscores. */
export const POD_SLICE = `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_UID.replace(/-/g, '_')}.slice`;
