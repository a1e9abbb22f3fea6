// Types of ./msgreader.mjs, bundled by scripts/build-worker-vendor.mjs as a Worker module of its own.
import MsgReader from "@kenjiuno/msgreader";
export default MsgReader;
