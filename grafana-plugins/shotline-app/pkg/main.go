// The backend of the Shotline datasource (nested in the Shotline app plugin):
// Grafana starts this binary and talks to it over gRPC.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/shotline/shotline-app/pkg/plugin"
)

func main() {
	if err := datasource.Manage(plugin.PluginID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("the Shotline datasource backend stopped", "error", err.Error())
		os.Exit(1)
	}
}
