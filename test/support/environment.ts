// Lambda runs Node 22; on a Node 20 machine the AWS SDK's upgrade notice would drown test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
