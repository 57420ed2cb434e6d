// Stand-ins for the images that cannot be built here (ingress-nginx's controller and its
// certificate jobs, the Envoy proxy): small programs that answer where the real ones would.
module hangar.test/tools/played

go 1.26.0
