git commit -am "Rain in the forecast"
git push origin HEAD
