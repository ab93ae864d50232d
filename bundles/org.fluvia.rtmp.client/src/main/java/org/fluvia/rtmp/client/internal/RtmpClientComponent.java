package org.fluvia.rtmp.client.internal;

import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.transport.EventLoops;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** Offers an {@link RtmpClient} on the node's shared event loops as a service. */
@Component(immediate = true)
public class RtmpClientComponent {

    @Reference
    EventLoops loops;

    private ServiceRegistration<RtmpClient> registration;

    @Activate
    void activate(BundleContext context) {
        registration = context.registerService(RtmpClient.class, new RtmpClient(loops.ioGroup(), loops.channelType()), null);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }
}
