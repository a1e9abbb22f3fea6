// Types of ./mammoth.mjs, mammoth bundled by scripts/build-worker-vendor.mjs as a Worker module of its own.
import mammoth from "mammoth";
export default mammoth;
