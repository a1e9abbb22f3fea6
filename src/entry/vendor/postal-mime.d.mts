// Types of ./postal-mime.mjs, bundled by scripts/build-worker-vendor.mjs as a Worker module of its own.
import PostalMime from "postal-mime";
export default PostalMime;
