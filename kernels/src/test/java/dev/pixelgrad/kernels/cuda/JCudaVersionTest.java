package dev.pixelgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Properties;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Test;

/**
 * JCuda is an optional dependency of this module: a project without it that asks for a GPU is told which
 * artifact to add, and that artifact is the JCuda this module is built and tested with.
 */
class JCudaVersionTest {
    @Test
    void theArtifactNamedIsTheJCudaOfTheBuild() throws Exception {
        Properties pom = new Properties();
        try (InputStream in = JCudaDriver.class.getResourceAsStream("/META-INF/maven/org.jcuda/jcuda/pom.properties")) {
            assertNotNull(in, "JCuda's jar has its pom.properties");
            pom.load(in);
        }
        String built = pom.getProperty("groupId") + ":" + pom.getProperty("artifactId") + ":" + pom.getProperty("version");
        assertEquals(built, CudaRuntime.JCUDA_ARTIFACT, "CudaRuntime.JCUDA_ARTIFACT against the jcuda.version of the build");
    }

    @Test
    void withoutJCudaTheReasonNamesTheArtifactToAdd() throws Exception {
        assertNull(CudaRuntime.missingJCuda(CudaRuntime.class.getClassLoader()));
        try (URLClassLoader bare = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertEquals("JCuda is not on the class path; a GPU needs the dependency " + CudaRuntime.JCUDA_ARTIFACT
                    + " (it brings JCuda's native library for this platform)", CudaRuntime.missingJCuda(bare));
        }
    }
}
